import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, sha256, toHex } from '../../../src/core/codec/index.js'
import {
  EMPTY_LIST_ROOT,
  MERKLE_MAX_LEAVES,
  MERKLE_PROOF_MAX_BYTES,
  MerkleList,
  type MerkleProof,
  MerkleProofType,
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
} from '../../../src/core/merkle/index.js'
import { referenceListRoot } from './reference.js'

/** Leaves of varied lengths (0..40 bytes), deterministic. */
const leavesOf = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(i >> 8, i & 255)).slice(0, (i * 7) % 41))

/**
 * RFC 6962 / Certificate Transparency reference vectors: the eight test leaves and the tree heads of
 * their prefixes, and two audit paths, as published in google/certificate-transparency
 * (cpp/merkletree/merkle_tree_test.cc) and transparency-dev/merkle (testonly/constants.go).
 */
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex)
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]
const CT_PATHS: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
]

describe('list Merkle tree roots', () => {
  it('gives the RFC 6962 / CT published tree heads for 0..8 leaves', () => {
    for (let n = 0; n <= 8; n++) expect(toHex(merkleRoot(CT_LEAVES.slice(0, n))), `n=${n}`).toBe(CT_ROOTS[n])
    expect(toHex(EMPTY_LIST_ROOT)).toBe(CT_ROOTS[0])
  })

  it('gives the CT published audit paths', () => {
    for (const [i, n, path] of CT_PATHS) {
      expect(merkleProof(CT_LEAVES.slice(0, n), i).siblings.map(toHex)).toEqual(path)
      const proof = { v: 1 as const, siblings: path.map(fromHex) }
      expect(verifyMerkleProof(fromHex(CT_ROOTS[n]!), i, n, CT_LEAVES[i]!, proof)).toEqual({ ok: true })
    }
  })

  it('matches the recursive RFC 6962 definition for every size 0..70', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = leavesOf(n)
      const want = toHex(referenceListRoot(leaves))
      expect(toHex(merkleRoot(leaves)), `n=${n}`).toBe(want)
      expect(toHex(new MerkleList(leaves).root), `n=${n}`).toBe(want)
    }
  })

  it('promotes an odd last node: 3 leaves hash as H(01 ‖ H(01 ‖ a ‖ b) ‖ c)', () => {
    const [a, b, c] = leavesOf(3).map((l) => merkleLeafHash(l))
    const node = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(Uint8Array.of(1), l, r))
    expect(toHex(merkleRoot(leavesOf(3)))).toBe(toHex(node(node(a!, b!), c!)))
    expect(toHex(merkleRoot(leavesOf(1)))).toBe(toHex(a!))
  })

  it('does not let a leaf pass as a node: the root of [x] differs from the root of x split in two', () => {
    const [a, b] = leavesOf(3).slice(1)
    const inner = concatBytes(merkleLeafHash(a!), merkleLeafHash(b!))
    expect(toHex(merkleRoot([inner]))).not.toBe(toHex(merkleRoot([a!, b!])))
  })
})

/** Which side the path takes at each level that has a sibling (the shape a proof is checked against). */
function pathShape(i: number, n: number): number[] {
  const out: number[] = []
  for (; n > 1; i = Math.floor(i / 2), n = Math.ceil(n / 2)) if (i % 2 === 1 || i + 1 < n) out.push(i % 2)
  return out
}

describe('list Merkle proofs', () => {
  it('proves and verifies every index of every size 1..70, through the wire codec', () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = leavesOf(n)
      const tree = new MerkleList(leaves)
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i)
        expect(proof).toEqual(merkleProof(leaves, i))
        const decoded = MerkleProofType.decode(MerkleProofType.encode(proof))
        expect(verifyMerkleProof(tree.root, i, n, leaves[i]!, decoded), `n=${n} i=${i}`).toEqual({ ok: true })
      }
    }
  })

  it('rejects every tampering: sibling bit, index, count, leaf, length, root', () => {
    const rejected = (r: ReturnType<typeof verifyMerkleProof>) => {
      expect(r.ok).toBe(false)
      return r.ok ? '' : r.reason
    }
    for (const n of [2, 3, 5, 7, 8, 13, 33, 70]) {
      const leaves = leavesOf(n)
      const tree = new MerkleList(leaves)
      const root = tree.root
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i)
        for (let j = 0; j < proof.siblings.length; j++) {
          const bad: MerkleProof = { v: 1, siblings: proof.siblings.map((s) => s.slice()) }
          bad.siblings[j]![j % 32]! ^= 0x01
          expect(rejected(verifyMerkleProof(root, i, n, leaves[i]!, bad))).toBe(
            'the proof does not lead to the root',
          )
        }
        for (const other of [i - 1, i + 1]) {
          if (other >= 0 && other < n)
            expect(verifyMerkleProof(root, other, n, leaves[i]!, proof).ok).toBe(false)
        }
        // A wrong count is rejected unless leaf i's path has the same shape in both trees, in which
        // case the statement "leaf i is leaves[i]" is still true (see the next test).
        for (const count of [n - 1, n + 1, 2 * n]) {
          if (count > i && verifyMerkleProof(root, i, count, leaves[i]!, proof).ok)
            expect(pathShape(i, count)).toEqual(pathShape(i, n))
        }
        const otherLeaf = leaves[(i + 1) % n]!
        if (toHex(otherLeaf) !== toHex(leaves[i]!))
          expect(verifyMerkleProof(root, i, n, otherLeaf, proof).ok).toBe(false)
        expect(
          rejected(verifyMerkleProof(root, i, n, leaves[i]!, { v: 1, siblings: proof.siblings.slice(1) })),
        ).toMatch(/needs exactly/)
        expect(
          rejected(verifyMerkleProof(root, i, n, leaves[i]!, { v: 1, siblings: [...proof.siblings, root] })),
        ).toMatch(/needs exactly/)
        expect(rejected(verifyMerkleProof(sha256(root), i, n, leaves[i]!, proof))).toBe(
          'the proof does not lead to the root',
        )
      }
    }
  })

  it('binds index only together with the count: a forged count lets leaf 2 of 3 pass as leaf 1 of 2', () => {
    const leaves = leavesOf(3)
    const root = merkleRoot(leaves)
    const proof = merkleProof(leaves, 2)
    expect(verifyMerkleProof(root, 2, 3, leaves[2]!, proof).ok).toBe(true)
    expect(verifyMerkleProof(root, 1, 3, leaves[2]!, proof).ok).toBe(false)
    // The hazard documented in list.ts: the count must come from the header, not from the prover.
    expect(verifyMerkleProof(root, 1, 2, leaves[2]!, proof).ok).toBe(true)
  })

  it('does not commit to the count: verifiers take it from the header that commits to the root', () => {
    const leaves = leavesOf(5)
    const root = merkleRoot(leaves)
    // Leaf 0 sits in the full left subtree of 4 leaves in a tree of 5 and of 6 leaves alike.
    expect(verifyMerkleProof(root, 0, 6, leaves[0]!, merkleProof(leaves, 0)).ok).toBe(true)
    // Leaf 4 does not: its path differs (promoted in a tree of 5, paired in a tree of 6).
    expect(verifyMerkleProof(root, 4, 6, leaves[4]!, merkleProof(leaves, 4)).ok).toBe(false)
  })

  it('answers bad arguments and garbage with a reason, never a throw', () => {
    const leaves = leavesOf(5)
    const tree = new MerkleList(leaves)
    const proof = tree.proof(4)
    const cases: [number, number, unknown, RegExp][] = [
      [5, 5, proof, /outside the list/],
      [-1, 5, proof, /outside the list/],
      [0.5, 5, proof, /outside the list/],
      [0, 0, proof, /count must be/],
      [0, 2 ** 32, proof, /count must be/],
      [4, 5, null, /malformed proof/],
      [4, 5, { v: 1 }, /malformed proof/],
      [4, 5, { v: 1, siblings: ['x'] }, /sibling 0/],
      [4, 5, { v: 1, siblings: [new Uint8Array(31)] }, /sibling 0/],
      [4, 5, { ...proof, v: 2 }, /unsupported version 2/],
    ]
    for (const [i, n, p, re] of cases) {
      const r = verifyMerkleProof(tree.root, i, n, leaves[4]!, p as MerkleProof)
      expect(r.ok ? 'ok' : r.reason, `${i}/${n}`).toMatch(re)
    }
    expect(verifyMerkleProof(new Uint8Array(31), 4, 5, leaves[4]!, proof)).toEqual({
      ok: false,
      reason: 'root is not a 32-byte hash',
    })
  })

  it('handles counts up to 2^32-1 in its index arithmetic (no int32 overflow)', () => {
    // Audit path length by the RFC 6962 §2.1.1 recursion (split at the largest power of two < n).
    const pathLength = (i: number, n: number): number => {
      if (n === 1) return 0
      let k = 1
      while (k * 2 < n) k *= 2
      return 1 + (i < k ? pathLength(i, k) : pathLength(i - k, n - k))
    }
    const needs = (i: number, n: number): string => {
      const r = verifyMerkleProof(new Uint8Array(32), i, n, new Uint8Array(0), { v: 1, siblings: [] })
      return r.ok ? 'ok' : r.reason
    }
    const big: [number, number][] = [
      [MERKLE_MAX_LEAVES - 1, MERKLE_MAX_LEAVES],
      [2 ** 31, MERKLE_MAX_LEAVES],
      [2 ** 31 - 1, 2 ** 31 + 1],
      [2 ** 31, 2 ** 31 + 1],
      [0, MERKLE_MAX_LEAVES],
    ]
    expect(needs(2 ** 31, MERKLE_MAX_LEAVES)).toMatch(/needs exactly 32$/)
    expect(needs(MERKLE_MAX_LEAVES - 1, MERKLE_MAX_LEAVES)).toMatch(/needs exactly 31$/)
    for (const [i, n] of big) expect(needs(i, n)).toMatch(new RegExp(`needs exactly ${pathLength(i, n)}$`))
    fc.assert(
      fc.property(fc.integer({ min: 2, max: MERKLE_MAX_LEAVES }), fc.nat(), (n, k) => {
        const i = k % n
        expect(needs(i, n)).toMatch(new RegExp(`needs exactly ${pathLength(i, n)}$`))
      }),
    )
  })

  it('throws on programming errors: index out of range when proving', () => {
    expect(() => new MerkleList(leavesOf(3)).proof(3)).toThrow(/expected an index 0..2, got 3/)
    expect(() => merkleProof([], 0)).toThrow(RangeError)
  })

  it('decodes strictly and sizes its limit to the longest proof', () => {
    const worst: MerkleProof = {
      v: 1,
      siblings: Array.from({ length: 32 }, (_, i) => sha256(Uint8Array.of(i))),
    }
    const enc = MerkleProofType.encode(worst)
    expect(enc.length).toBe(MERKLE_PROOF_MAX_BYTES)
    expect(MerkleProofType.decode(enc)).toEqual(worst)
    const name = (b: Uint8Array) => {
      const r = MerkleProofType.tryDecode(b)
      return r.ok ? 'ok' : r.error.name
    }
    expect(name(enc.subarray(0, enc.length - 1))).toBe('MalformedEncodingError')
    expect(name(new Uint8Array(MERKLE_PROOF_MAX_BYTES + 1))).toBe('MessageTooLargeError')
    expect(() =>
      MerkleProofType.encode({ v: 1, siblings: Array.from({ length: 33 }, () => new Uint8Array(32)) }),
    ).toThrow()
    // 33 siblings on the wire: a list longer than any proof.
    const long = concatBytes(
      Uint8Array.of(0x82, 0x01, 0x98, 33),
      ...Array.from({ length: 33 }, () => concatBytes(Uint8Array.of(0x58, 32), new Uint8Array(32))),
    )
    expect(name(long)).toMatch(/MessageTooLargeError|ValueOutOfRangeError/)
  })

  it('roots random lists like the reference (fuzzed leaves)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 100 }), fc.nat(), (leaves, k) => {
        const root = merkleRoot(leaves)
        expect(toHex(root)).toBe(toHex(referenceListRoot(leaves)))
        if (leaves.length > 0) {
          const i = k % leaves.length
          expect(verifyMerkleProof(root, i, leaves.length, leaves[i]!, merkleProof(leaves, i)).ok).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })
})
