/**
 * The proof engine's `Hasher` on hash-wasm (BLAKE3 or SHA-256 in WebAssembly), for browsers, Web
 * Workers and Node (docs/proofs.md §Hash).
 *
 * hash-wasm's public API costs three WASM calls and two allocations per message (init, update,
 * digest('binary')), which is most of the time on 64-byte Merkle nodes. Its WASM modules export a
 * one-shot `Hash_Calculate(length, initParam, digestBytes)` over their 16 KiB I/O buffer
 * (hash-wasm 4.13 src/blake3.c, src/sha256.c), so the fast path captures the module instance while
 * `createBLAKE3()` instantiates it and calls that export directly: the message is written in place
 * and hashed with one call (measured: BLAKE3 on 64 B 0.19 µs against 0.65 µs through the API).
 * The capture is checked against the public API on known inputs; any mismatch or a hash-wasm that
 * changed its exports falls back to the public API (same digests, slower).
 */
import { createBLAKE3, createSHA256, type IHasher } from 'hash-wasm'
import { type Hasher, MAX_HASH_INPUT } from '../core/proofs/hasher.js'
import type { HashAlgorithm } from '../core/proofs/params.js'

interface HashWasmExports {
  memory: { readonly buffer: ArrayBuffer }
  Hash_GetBuffer(): number
  Hash_Calculate(length: number, initParam: number, digestBytes?: number): void
}

/** The slice of the WebAssembly JS API used here (declared locally: the relay compiles without DOM types). */
interface WasmInstance {
  readonly exports: Record<string, unknown>
}
interface WasmApi {
  instantiate: (...args: unknown[]) => Promise<unknown>
  Instance: abstract new (...args: never[]) => WasmInstance
  Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer }
}
const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

export interface HashWasmHasher extends Hasher {
  /** 'direct' when the WASM export is called directly, 'api' on the public-API fallback. */
  readonly mode: 'direct' | 'api'
}

let creating: Promise<unknown> = Promise.resolve()

/** Run `create` while capturing the WebAssembly.Instance it creates (serialised: the patch is global). */
async function captureInstance(
  create: () => Promise<IHasher>,
): Promise<{ api: IHasher; instance?: WasmInstance }> {
  const run = async () => {
    const wasm = wasmApi()
    const original = wasm.instantiate
    let instance: WasmInstance | undefined
    wasm.instantiate = async (...args: unknown[]) => {
      const result = await original.apply(wasm, args)
      const inst = result instanceof wasm.Instance ? result : (result as { instance?: unknown }).instance
      if (inst instanceof wasm.Instance && 'Hash_Calculate' in inst.exports) instance = inst
      return result
    }
    try {
      const api = await create()
      return instance ? { api, instance } : { api }
    } finally {
      wasm.instantiate = original
    }
  }
  const p = creating.then(run, run)
  creating = p.catch(() => undefined)
  return p
}

function apiHasher(algorithm: HashAlgorithm, api: IHasher): HashWasmHasher {
  const input = new Uint8Array(MAX_HASH_INPUT)
  const output = new Uint8Array(32)
  return {
    algorithm,
    mode: 'api',
    input,
    output,
    digest(length) {
      api.init()
      api.update(input.subarray(0, length))
      output.set(api.digest('binary'))
    },
  }
}

function directHasher(algorithm: HashAlgorithm, ex: HashWasmExports): HashWasmHasher {
  const offset = ex.Hash_GetBuffer()
  const memory = ex.memory
  // BLAKE3: Hash_Calculate(length, keyLength 0, digest bytes 32); SHA-256: Hash_Calculate(length, 256 bits).
  const p1 = algorithm === 'blake3' ? 0 : 256
  const calc = ex.Hash_Calculate
  const hasher: HashWasmHasher = {
    algorithm,
    mode: 'direct',
    input: new Uint8Array(memory.buffer, offset, MAX_HASH_INPUT),
    output: new Uint8Array(memory.buffer, offset, 32),
    digest(length) {
      if (length > MAX_HASH_INPUT)
        throw new RangeError(`hash-wasm: message of ${length} bytes exceeds ${MAX_HASH_INPUT}`)
      calc(length, p1, 32)
    },
  }
  return hasher
}

/** Check a hasher against hash-wasm's public API on a few lengths (including multi-chunk BLAKE3). */
function agrees(h: Hasher, api: IHasher): boolean {
  for (const len of [0, 1, 44, 64, 236, 492, 1024, 1500, 4096]) {
    const msg = new Uint8Array(len)
    for (let i = 0; i < len; i++) msg[i] = (i * 131 + len) & 255
    api.init()
    api.update(msg)
    const want = api.digest('binary')
    h.input.set(msg)
    h.digest(len)
    for (let i = 0; i < 32; i++) if (h.output[i] !== want[i]) return false
  }
  return true
}

/** A BLAKE3 (default) or SHA-256 hasher on hash-wasm, using the direct WASM path when it checks out. */
export async function createHashWasmHasher(algorithm: HashAlgorithm = 'blake3'): Promise<HashWasmHasher> {
  const { api, instance } = await captureInstance(() =>
    algorithm === 'blake3' ? createBLAKE3(256) : createSHA256(),
  )
  // The fallback gets its own hash-wasm instance: the captured one is driven directly.
  const reference = algorithm === 'blake3' ? await createBLAKE3(256) : await createSHA256()
  if (instance) {
    const ex = instance.exports as unknown as HashWasmExports
    if (
      typeof ex.Hash_Calculate === 'function' &&
      typeof ex.Hash_GetBuffer === 'function' &&
      ex.memory instanceof wasmApi().Memory
    ) {
      const direct = directHasher(algorithm, ex)
      if (agrees(direct, reference)) return direct
    }
  }
  return apiHasher(algorithm, api)
}
