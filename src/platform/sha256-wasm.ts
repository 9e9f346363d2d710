/**
 * SHA-256 on hash-wasm: about twice as fast as the pure-JS default for the small inputs of Merkle trees
 * (see BENCHMARKS.md). One hasher instance, reused: calls are synchronous once it is created.
 */
import { createSHA256 } from 'hash-wasm'

export type Hasher = (data: Uint8Array) => Uint8Array

export async function createWasmSha256(): Promise<Hasher> {
  const h = await createSHA256()
  return (data) => {
    h.init()
    h.update(data)
    return h.digest('binary')
  }
}
