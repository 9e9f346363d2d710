/**
 * The hash function of the proof engine, injected so the core stays pure and each platform brings its
 * fastest implementation (src/platform/hash-wasm.ts in browsers and Node; relay/src/proofs for
 * node:crypto SHA-256).
 *
 * The interface is shaped for the hot loop: the engine writes a message straight into `input` and
 * calls `digest(length)`, so a WASM implementation hashes it in place with one call and no copy
 * (about 3× faster than init/update/digest per message on 64-byte Merkle nodes, BENCHMARKS.md).
 */
import { blake3 } from '@noble/hashes/blake3.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { HashAlgorithm } from './params.js'

/** Largest message `digest` accepts (hash-wasm's in-memory buffer is 16 KiB). */
export const MAX_HASH_INPUT = 16 * 1024

export interface Hasher {
  readonly algorithm: HashAlgorithm
  /** Where a message is written: at least MAX_HASH_INPUT bytes, 4-byte aligned. */
  readonly input: Uint8Array
  /**
   * Hash `input[0, length)`. The 32-byte digest is at `output[0, 32)` until the next call. May
   * overwrite `input[0, 32)` (hash-wasm writes its digest there); the rest of `input` is preserved.
   */
  digest(length: number): void
  readonly output: Uint8Array
}

/** 32-bit word views of a hasher's buffers, for the copy loops of the hot paths. */
export interface HasherWords {
  readonly inB: Uint8Array
  readonly inW: Uint32Array
  readonly outW: Uint32Array
}

export function wordsOf(h: Hasher): HasherWords {
  if (h.input.byteOffset % 4 !== 0 || h.output.byteOffset % 4 !== 0)
    throw new RangeError('hasher: expected 4-byte aligned input and output')
  return {
    inB: h.input,
    inW: new Uint32Array(h.input.buffer, h.input.byteOffset, h.input.length >>> 2),
    outW: new Uint32Array(h.output.buffer, h.output.byteOffset, 8),
  }
}

/** H(msg) as a fresh 32-byte array. */
export function hashBytes(h: Hasher, msg: Uint8Array): Uint8Array {
  if (msg.length > MAX_HASH_INPUT) throw new RangeError(`hasher: message of ${msg.length} bytes is too long`)
  h.input.set(msg)
  h.digest(msg.length)
  return h.output.slice(0, 32)
}

/** H(a ‖ b) for two 32-byte values (a Merkle node). */
export function hashPair(h: Hasher, a: Uint8Array, b: Uint8Array): Uint8Array {
  h.input.set(a.subarray(0, 32), 0)
  h.input.set(b.subarray(0, 32), 32)
  h.digest(64)
  return h.output.slice(0, 32)
}

/**
 * One Merkle level: `dst[i] = H(src[2i] ‖ src[2i+1])` for `count` parents. `src` and `dst` are word
 * views (8 words per node) so the copies stay in registers; `dst` may alias `src` (parents are written
 * behind the children they consume).
 */
export function hashLevel(
  w: HasherWords,
  h: Hasher,
  src: Uint32Array,
  srcWord: number,
  count: number,
  dst: Uint32Array,
  dstWord: number,
): void {
  const inW = w.inW
  const outW = w.outW
  for (let i = 0; i < count; i++) {
    const s = srcWord + i * 16
    for (let k = 0; k < 16; k++) inW[k] = src[s + k]!
    h.digest(64)
    const d = dstWord + i * 8
    for (let k = 0; k < 8; k++) dst[d + k] = outW[k]!
  }
}

/**
 * A pure-JavaScript hasher on @noble/hashes: the reference implementation (tests, vectors) and the
 * fallback where WebAssembly is unavailable. About 20× slower than hash-wasm on labels.
 */
export function nobleHasher(algorithm: HashAlgorithm): Hasher {
  const input = new Uint8Array(MAX_HASH_INPUT)
  const output = new Uint8Array(32)
  const fn = algorithm === 'blake3' ? blake3 : sha256
  return {
    algorithm,
    input,
    output,
    digest(length) {
      output.set(fn(input.subarray(0, length)))
    },
  }
}
