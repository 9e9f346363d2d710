import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import {
  cacheBytes,
  type Hasher,
  hashPair,
  merkleRoot,
  nobleHasher,
  openLeaf,
  type StoredTree,
  TreeBuilder,
  treeShape,
  verifyOpening,
} from '../../../src/core/proofs/index.js'
import { hasher, pseudoRandomBytes } from './fixtures.js'

/** Textbook recursive root, the oracle. */
function naiveRoot(h: Hasher, leaves: Uint8Array): Uint8Array {
  let level: Uint8Array[] = []
  for (let i = 0; i < leaves.length; i += 32) level.push(leaves.slice(i, i + 32))
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += 2) next.push(hashPair(h, level[i]!, level[i + 1]!))
    level = next
  }
  return level[0]!
}

function memoryTree(h: Hasher, leaves: Uint8Array, rows: number): { tree: StoredTree; root: Uint8Array } {
  const n = leaves.length / 32
  const b = new TreeBuilder(h, treeShape(n, rows))
  const words = new Uint32Array(leaves.slice().buffer)
  const chunk = Math.max(1 << b.shape.rows, 16)
  for (let i = 0; i < n; i += chunk) b.push(words, i * 8, Math.min(chunk, n - i))
  const root = b.finish()
  return {
    root,
    tree: {
      shape: b.shape,
      cache: b.cacheBytes().slice(),
      async leaves(start, count) {
        return words.slice(start * 8, (start + count) * 8)
      },
    },
  }
}

describe('Merkle trees', () => {
  it('compute the textbook root, whatever the chunking and rows kept', async () => {
    const h = await hasher()
    const leaves = pseudoRandomBytes(256 * 32, 1)
    const want = toHex(naiveRoot(h, leaves))
    expect(toHex(merkleRoot(h, leaves))).toBe(want)
    for (const rows of [1, 2, 6, 8])
      expect(toHex(memoryTree(h, leaves, rows).root), `rows ${rows}`).toBe(want)
    expect(toHex(merkleRoot(nobleHasher('blake3'), leaves))).toBe(want)
  })

  it('keep only levels ≥ rows: 1 MiB for a 32 MiB sector with rows = 6', () => {
    expect(cacheBytes(treeShape(2 ** 20, 6))).toBe((2 ** 15 - 1) * 32)
    expect(treeShape(16, 6).rows).toBe(4)
  })

  it('open every leaf to a path that verifies, for every rows setting', async () => {
    const h = await hasher()
    const leaves = pseudoRandomBytes(64 * 32, 2)
    for (const rows of [1, 3, 6]) {
      const { tree, root } = memoryTree(h, leaves, rows)
      for (let i = 0; i < 64; i++) {
        const o = await openLeaf(h, tree, i)
        expect(toHex(o.leaf)).toBe(toHex(leaves.subarray(i * 32, i * 32 + 32)))
        expect(verifyOpening(h, root, 6, i, o.leaf, o.path), `rows ${rows} leaf ${i}`).toBe(true)
      }
    }
  })

  it('reject a path with a changed leaf, sibling, index, root or length (false, never a throw)', async () => {
    const h = await hasher()
    const leaves = pseudoRandomBytes(64 * 32, 3)
    const { tree, root } = memoryTree(h, leaves, 3)
    const o = await openLeaf(h, tree, 21)
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice()
      c[i]! ^= 1
      return c
    }
    expect(verifyOpening(h, root, 6, 21, flip(o.leaf, 0), o.path)).toBe(false)
    for (let k = 0; k < 6; k++)
      expect(verifyOpening(h, root, 6, 21, o.leaf, flip(o.path, k * 32 + 5)), `sibling ${k}`).toBe(false)
    expect(verifyOpening(h, root, 6, 20, o.leaf, o.path)).toBe(false)
    expect(verifyOpening(h, root, 6, 21 + 64, o.leaf, o.path)).toBe(false)
    expect(verifyOpening(h, root, 6, -1, o.leaf, o.path)).toBe(false)
    expect(verifyOpening(h, flip(root, 31), 6, 21, o.leaf, o.path)).toBe(false)
    expect(verifyOpening(h, root, 6, 21, o.leaf, o.path.subarray(32))).toBe(false)
    expect(verifyOpening(h, root, 6, 21, o.leaf.subarray(1), o.path)).toBe(false)
  })
})
