/**
 * Hashers for the relay. BLAKE3 comes from hash-wasm (src/platform/hash-wasm.ts, the same code the
 * browser runs; Node has no native BLAKE3). SHA-256 comes from node:crypto (OpenSSL, SHA-NI where the
 * CPU has it), about 2× faster per label than hash-wasm's SHA-256 here (BENCHMARKS.md §proofs).
 */
import { createHash, hash as oneShot } from 'node:crypto'
import { type Hasher, MAX_HASH_INPUT } from '../../../src/core/proofs/hasher.js'
import type { HashAlgorithm } from '../../../src/core/proofs/params.js'
import { createHashWasmHasher } from '../../../src/platform/hash-wasm.js'

/** SHA-256 on node:crypto behind the Hasher interface. */
export function nodeSha256Hasher(): Hasher {
  const input = new Uint8Array(MAX_HASH_INPUT)
  const output = new Uint8Array(32)
  // crypto.hash (Node ≥ 20.12) skips the Hash object; fall back to createHash on older builds.
  const digest =
    typeof oneShot === 'function'
      ? (msg: Uint8Array) => oneShot('sha256', msg, 'buffer') as unknown as Uint8Array
      : (msg: Uint8Array) => createHash('sha256').update(msg).digest()
  return {
    algorithm: 'sha256',
    input,
    output,
    digest(length) {
      output.set(digest(input.subarray(0, length)))
    },
  }
}

/** The fastest hasher available in Node for `algorithm`. */
export async function relayHasher(algorithm: HashAlgorithm): Promise<Hasher> {
  return algorithm === 'sha256' ? nodeSha256Hasher() : createHashWasmHasher('blake3')
}
