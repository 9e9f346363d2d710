/**
 * SHA-256 on hash-wasm for the ledger's state tree and hashes: about three times as fast as the
 * pure-JS default on the small inputs of Merkle trees (see BENCHMARKS.md). It reuses the proof engine's
 * direct call into hash-wasm's one-shot WASM export (src/platform/hash-wasm.ts), which is checked
 * against hash-wasm's public API when created; inputs above the WASM buffer go through the public API.
 */
import { createSHA256 } from 'hash-wasm'
import { MAX_HASH_INPUT } from '../core/proofs/hasher.js'
import { createHashWasmHasher } from './hash-wasm.js'

export type Hasher = (data: Uint8Array) => Uint8Array

export async function createWasmSha256(): Promise<Hasher> {
  const direct = await createHashWasmHasher('sha256')
  const api = await createSHA256()
  return (data) => {
    if (data.length > MAX_HASH_INPUT) {
      api.init()
      api.update(data)
      return api.digest('binary')
    }
    direct.input.set(data)
    direct.digest(data.length)
    return direct.output.slice(0, 32)
  }
}
