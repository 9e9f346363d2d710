/**
 * Naive reference implementations for the Merkle property tests: recomputed from scratch, written
 * from the definitions in docs/merkle.md with no caching, pages or dirty flags, so that they share no
 * code with the trees under test beyond SHA-256.
 */
import { compareBytes, concatBytes, sha256, toHex } from '../../../src/core/codec/index.js'

const bit = (key: Uint8Array, i: number): number => (key[i >> 3]! >> (7 - (i % 8))) & 1

/** Root of the sparse Merkle tree holding `entries` (key hash → value hash), by direct recursion. */
export function referenceSmtRoot(entries: Map<string, [Uint8Array, Uint8Array]>): Uint8Array {
  const items = [...entries.values()].sort((a, b) => compareBytes(a[0], b[0]))
  const rec = (xs: [Uint8Array, Uint8Array][], depth: number): Uint8Array => {
    if (xs.length === 0) return new Uint8Array(32)
    if (xs.length === 1) return sha256(concatBytes(Uint8Array.of(0), xs[0]![0], xs[0]![1]))
    const left = xs.filter(([k]) => bit(k, depth) === 0)
    const right = xs.filter(([k]) => bit(k, depth) === 1)
    return sha256(concatBytes(Uint8Array.of(1), rec(left, depth + 1), rec(right, depth + 1)))
  }
  return rec(items, 0)
}

/** RFC 6962 §2.1 Merkle Tree Hash, by its own recursive definition (split at the largest 2^k < n). */
export function referenceListRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0))
  if (leaves.length === 1) return sha256(concatBytes(Uint8Array.of(0), leaves[0]!))
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return sha256(
    concatBytes(Uint8Array.of(1), referenceListRoot(leaves.slice(0, k)), referenceListRoot(leaves.slice(k))),
  )
}

export const hex = toHex
