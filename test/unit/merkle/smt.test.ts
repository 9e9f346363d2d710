import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareBytes, concatBytes, sha256, toHex } from '../../../src/core/codec/index.js'
import {
  SMT_PLACEHOLDER,
  SMT_PROOF_MAX_BYTES,
  type SmtProof,
  SmtProofType,
  SparseMerkleTree,
  verifySmtProof,
} from '../../../src/core/merkle/index.js'
import { referenceSmtRoot } from './reference.js'

const h = (s: string): Uint8Array => sha256(Uint8Array.from(s, (c) => c.charCodeAt(0)))

/** A key that agrees with `base` on its first `prefix` bits, differs at bit `prefix`, then is `tail`. */
function keyNear(base: Uint8Array, prefix: number, tail: Uint8Array): Uint8Array {
  const k = tail.slice()
  for (let i = 0; i < prefix; i++) {
    const m = 0x80 >> (i % 8)
    k[i >> 3] = (k[i >> 3]! & ~m) | (base[i >> 3]! & m)
  }
  if (prefix < 256)
    k[prefix >> 3] =
      (k[prefix >> 3]! & ~(0x80 >> (prefix % 8))) | (~base[prefix >> 3]! & (0x80 >> (prefix % 8)))
  return k
}

const BASES = [new Uint8Array(32), new Uint8Array(32).fill(0xff), h('base-a'), h('base-b')]
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
/** Keys of every kind: uniform, and sharing 0..256 leading bits with one of a few bases. */
const keyArb = fc.oneof(
  hash32,
  fc
    .tuple(fc.integer({ min: 0, max: BASES.length - 1 }), fc.integer({ min: 0, max: 256 }), hash32)
    .map(([b, p, t]) => keyNear(BASES[b]!, p, t)),
  fc.constantFrom(...BASES),
)

type Op =
  | { kind: 'set'; key: Uint8Array; value: Uint8Array }
  | { kind: 'del'; pick: number; absent?: Uint8Array }
const opArb: fc.Arbitrary<Op & { check: boolean }> = fc
  .record({
    op: fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keyArb, value: hash32 }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('del' as const),
          pick: fc.nat(),
          absent: fc.option(keyArb, { nil: undefined }),
        }),
      },
    ),
    check: fc.boolean(),
  })
  .map(({ op, check }) => ({ ...(op as Op), check }))

type Model = Map<string, [Uint8Array, Uint8Array]>

function applyOps(
  ops: readonly (Op & { check: boolean })[],
  tree: SparseMerkleTree,
  model: Model,
  onCheck?: () => void,
): void {
  for (const op of ops) {
    if (op.kind === 'set') {
      tree.set(op.key, op.value)
      model.set(toHex(op.key), [op.key, op.value])
    } else {
      const keys = [...model.values()]
      // Delete an existing key when there is one (or an arbitrary, usually absent, key).
      const key = op.absent ?? (keys.length > 0 ? keys[op.pick % keys.length]![0] : BASES[0]!)
      tree.set(key, undefined)
      model.delete(toHex(key))
    }
    if (op.check) onCheck?.()
  }
}

function build(entries: Iterable<[Uint8Array, Uint8Array]>): SparseMerkleTree {
  const t = new SparseMerkleTree()
  for (const [k, v] of entries) t.set(k, v)
  return t
}

describe('SparseMerkleTree roots', () => {
  it('has the placeholder root when empty and the leaf hash as root with one key', () => {
    const t = new SparseMerkleTree()
    expect(toHex(t.root())).toBe(toHex(SMT_PLACEHOLDER))
    t.set(h('k'), h('v'))
    expect(toHex(t.root())).toBe(toHex(sha256(concatBytes(Uint8Array.of(0), h('k'), h('v')))))
    t.set(h('k'), undefined)
    expect(toHex(t.root())).toBe(toHex(SMT_PLACEHOLDER))
    expect(t.size).toBe(0)
  })

  it('matches the from-scratch reference after random insert/update/delete sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const tree = new SparseMerkleTree()
        const model: Model = new Map()
        applyOps(ops, tree, model, () => expect(toHex(tree.root())).toBe(toHex(referenceSmtRoot(model))))
        expect(toHex(tree.root())).toBe(toHex(referenceSmtRoot(model)))
        expect(tree.size).toBe(model.size)
        for (const [k, v] of model.values()) expect(toHex(tree.get(k)!)).toBe(toHex(v))
        const sorted = [...model.values()].sort((a, b) => compareBytes(a[0], b[0]))
        expect([...tree.entries()].map(([k, v]) => toHex(k) + toHex(v))).toEqual(
          sorted.map(([k, v]) => toHex(k) + toHex(v)),
        )
      }),
      { numRuns: 300 },
    )
  })

  it('handles keys differing only in the last bit (depth-256 paths) and collapses them on delete', () => {
    const a = new Uint8Array(32).fill(0x5a)
    const b = a.slice()
    b[31]! ^= 1
    const t = new SparseMerkleTree()
    t.set(a, h('a'))
    t.set(b, h('b'))
    const model: Model = new Map([
      [toHex(a), [a, h('a')]],
      [toHex(b), [b, h('b')]],
    ])
    expect(toHex(t.root())).toBe(toHex(referenceSmtRoot(model)))
    expect(t.prove(a).depth).toBe(256)
    expect(t.stats()).toMatchObject({ size: 2, internalNodes: 256 })
    t.set(b, undefined)
    expect(t.stats()).toMatchObject({ size: 1, internalNodes: 0 })
    expect(toHex(t.root())).toBe(toHex(sha256(concatBytes(Uint8Array.of(0), a, h('a')))))
    expect(t.prove(a).depth).toBe(0)
  })

  it('gives the same root for the same set whatever the insertion order or history', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, hash32), { maxLength: 60, selector: ([k]) => toHex(k) }),
        fc.array(keyArb, { maxLength: 20 }),
        fc.nat(),
        (entries, extra, seed) => {
          const a = build(entries)
          const shuffled = [...entries].sort(
            (x, y) => (toHex(x[0]) + seed).localeCompare(toHex(y[0]) + seed) * (seed % 2 ? 1 : -1),
          )
          const b = new SparseMerkleTree()
          // b also sees extra keys that are later removed, and a value later overwritten.
          for (const k of extra) b.set(k, h('junk'))
          b.setMany(shuffled.map(([k]) => [k, h('old')] as [Uint8Array, Uint8Array]))
          b.root()
          for (const k of extra) b.set(k, undefined)
          b.setMany(shuffled)
          expect(toHex(b.root())).toBe(toHex(a.root()))
          expect(b.size).toBe(entries.length)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('rehashes only dirty paths: one update in a 4,096-key tree costs at most depth + 1 hashes', () => {
    let calls = 0
    const counting = (d: Uint8Array) => {
      calls++
      return sha256(d)
    }
    const t = new SparseMerkleTree({ hasher: counting })
    for (let i = 0; i < 4096; i++) t.set(h(`k${i}`), h(`v${i}`))
    t.root()
    calls = 0
    t.root()
    expect(calls).toBe(0)
    const key = h('k77')
    const depth = t.prove(key).depth
    calls = 0
    t.set(key, h('new'))
    t.root()
    expect(calls).toBe(depth + 1)
    // Setting the same value again changes nothing and costs nothing.
    calls = 0
    t.set(key, h('new'))
    t.root()
    expect(calls).toBe(0)
  })

  it('rejects keys and values that are not 32 bytes, and non-32-byte hashers', () => {
    const t = new SparseMerkleTree()
    expect(() => t.set(new Uint8Array(31), h('v'))).toThrow(/expected a 32-byte key hash, got 31 bytes/)
    expect(() => t.set(h('k'), new Uint8Array(33))).toThrow(/expected a 32-byte value hash/)
    expect(() => t.get(new Uint8Array(0))).toThrow(RangeError)
    expect(() => new SparseMerkleTree({ hasher: () => new Uint8Array(20) })).toThrow(/32-byte hasher/)
  })

  it('returns copies: mutating a returned value or root does not touch the tree', () => {
    const t = build([[h('k'), h('v')]])
    const root = t.root()
    t.get(h('k'))!.fill(0)
    t.root().fill(0)
    for (const [k] of t.entries()) k.fill(0)
    expect(toHex(t.get(h('k'))!)).toBe(toHex(h('v')))
    expect(toHex(t.root())).toBe(toHex(root))
  })
})

/** A random tree and keys to prove: present ones, and absent ones near present ones. */
const scenario = fc
  .tuple(
    fc.uniqueArray(fc.tuple(keyArb, hash32), { minLength: 0, maxLength: 60, selector: ([k]) => toHex(k) }),
    fc.array(keyArb, { minLength: 1, maxLength: 8 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 256 }), hash32), { maxLength: 4 }),
  )
  .map(([entries, others, near]) => {
    const tree = build(entries)
    const model = new Map(entries.map(([k, v]) => [toHex(k), v]))
    const probes = [...entries.map(([k]) => k), ...others]
    for (const [i, p, tail] of near)
      if (entries.length > 0) probes.push(keyNear(entries[i % entries.length]![0], p, tail))
    return { tree, model, probes }
  })

describe('SparseMerkleTree proofs', () => {
  it('proves membership and non-membership of random keys; proofs survive the wire codec', () => {
    const seen = { member: 0, emptyEnd: 0, otherLeaf: 0 }
    fc.assert(
      fc.property(scenario, ({ tree, model, probes }) => {
        const root = tree.root()
        for (const key of probes) {
          const value = model.get(toHex(key))
          const proof = tree.prove(key)
          if (value) seen.member++
          else if (proof.leaf) seen.otherLeaf++
          else seen.emptyEnd++
          expect(verifySmtProof(root, key, value, proof)).toEqual({ ok: true })
          const decoded = SmtProofType.decode(SmtProofType.encode(proof))
          expect(decoded).toEqual(proof)
          expect(verifySmtProof(root, key, value, decoded)).toEqual({ ok: true })
        }
      }),
      { numRuns: 200 },
    )
    // Every kind of proof was exercised.
    expect(seen.member).toBeGreaterThan(100)
    expect(seen.emptyEnd).toBeGreaterThan(20)
    expect(seen.otherLeaf).toBeGreaterThan(20)
  })

  it('proves absence in the empty tree with an empty proof', () => {
    const t = new SparseMerkleTree()
    const proof = t.prove(h('x'))
    expect(proof).toEqual({ v: 1, depth: 0, bitmap: new Uint8Array(0), siblings: [] })
    expect(verifySmtProof(t.root(), h('x'), undefined, proof)).toEqual({ ok: true })
    expect(verifySmtProof(t.root(), h('x'), h('v'), proof)).toMatchObject({ ok: false })
  })

  it('keeps proofs O(log n): a 2,000-key tree proves every key in at most 32 levels', () => {
    const t = build(
      Array.from({ length: 2000 }, (_, i) => [h(`k${i}`), h(`v${i}`)] as [Uint8Array, Uint8Array]),
    )
    let max = 0
    for (let i = 0; i < 2000; i += 7) max = Math.max(max, t.prove(h(`k${i}`)).depth)
    expect(max).toBeLessThanOrEqual(32)
    expect(max).toBeGreaterThanOrEqual(11)
  })
})

function reasonOf(r: ReturnType<typeof verifySmtProof>): string {
  expect(r.ok).toBe(false)
  return r.ok ? '' : r.reason
}

const clone = (p: SmtProof): SmtProof => ({
  v: 1,
  depth: p.depth,
  bitmap: p.bitmap.slice(),
  siblings: p.siblings.map((s) => s.slice()),
  ...(p.leaf ? { leaf: { keyHash: p.leaf.keyHash.slice(), valueHash: p.leaf.valueHash.slice() } } : {}),
})

describe('SparseMerkleTree proof tampering', () => {
  // A fixed tree with prefix-sharing keys so that every proof kind appears.
  const keys = Array.from({ length: 64 }, (_, i) => h(`key${i}`))
  const tree = build(keys.map((k, i) => [k, h(`value${i}`)]))
  const near = keyNear(keys[3]!, 40, h('tail')) // absent; shares 40 bits with key3
  tree.set(keyNear(keys[3]!, 20, h('t2')), h('v2'))
  const root = tree.root()
  const member = keys[3]!
  const memberValue = tree.get(member)!
  const memberProof = tree.prove(member)
  const absentLeafProof = tree.prove(near) // ends in key3's leaf
  const absentEmpty = Array.from({ length: 50 }, (_, i) => h(`absent${i}`)).find((k) => !tree.prove(k).leaf)!
  const absentEmptyProof = tree.prove(absentEmpty)

  it('has the three kinds of proof in this fixture', () => {
    expect(absentLeafProof.leaf && toHex(absentLeafProof.leaf.keyHash)).toBe(toHex(member))
    expect(absentEmptyProof.leaf).toBeUndefined()
    expect(verifySmtProof(root, near, undefined, absentLeafProof).ok).toBe(true)
    expect(verifySmtProof(root, absentEmpty, undefined, absentEmptyProof).ok).toBe(true)
  })

  it('rejects a changed sibling at every level', () => {
    for (const p of [memberProof, absentLeafProof, absentEmptyProof]) {
      for (let i = 0; i < p.siblings.length; i++) {
        const bad = clone(p)
        bad.siblings[i]![i % 32]! ^= 0x01
        const key = p === memberProof ? member : p === absentLeafProof ? near : absentEmpty
        expect(reasonOf(verifySmtProof(root, key, p === memberProof ? memberValue : undefined, bad))).toBe(
          'the proof does not lead to the root',
        )
      }
    }
  })

  it('rejects a changed bitmap: flipped bit, moved bit, bits past the depth, wrong length', () => {
    const flipped = clone(memberProof)
    flipped.bitmap[0]! ^= 0x80
    expect(reasonOf(verifySmtProof(root, member, memberValue, flipped))).toMatch(
      /bitmap marks \d+ non-empty siblings/,
    )
    // Move a set bit to an unset level: counts still agree, the root does not.
    const moved = clone(memberProof)
    let from = -1
    let to = -1
    for (let i = 0; i < moved.depth - 1; i++) {
      const set = (moved.bitmap[i >> 3]! >> (7 - (i % 8))) & 1
      if (set && from < 0) from = i
      if (!set && to < 0) to = i
    }
    expect(from >= 0 && to >= 0).toBe(true)
    moved.bitmap[from >> 3]! ^= 0x80 >> (from % 8)
    moved.bitmap[to >> 3]! ^= 0x80 >> (to % 8)
    expect(reasonOf(verifySmtProof(root, member, memberValue, moved))).toBe(
      'the proof does not lead to the root',
    )
    const past = clone(memberProof)
    past.bitmap[past.bitmap.length - 1]! |= 1
    expect(reasonOf(verifySmtProof(root, member, memberValue, past))).toMatch(
      /beyond the depth|non-empty siblings/,
    )
    const longer = clone(memberProof)
    longer.bitmap = concatBytes(longer.bitmap, new Uint8Array(1))
    expect(reasonOf(verifySmtProof(root, member, memberValue, longer))).toMatch(/bitmap must be \d+ bytes/)
    const lastEmpty = clone(memberProof)
    const d = lastEmpty.depth - 1
    lastEmpty.bitmap[d >> 3]! &= ~(0x80 >> (d % 8))
    lastEmpty.siblings.pop()
    expect(reasonOf(verifySmtProof(root, member, memberValue, lastEmpty))).toMatch(
      /sibling at the last level is empty/,
    )
  })

  it('rejects a changed depth, a dropped or an added sibling, an explicit placeholder sibling', () => {
    const deeper = clone(memberProof)
    deeper.depth++
    expect(verifySmtProof(root, member, memberValue, deeper).ok).toBe(false)
    const dropped = clone(memberProof)
    dropped.siblings.shift()
    expect(reasonOf(verifySmtProof(root, member, memberValue, dropped))).toMatch(/carries/)
    const added = clone(memberProof)
    added.siblings.push(h('extra'))
    expect(reasonOf(verifySmtProof(root, member, memberValue, added))).toMatch(/carries/)
    // Spell out the first empty level as 32 zero bytes instead of a 0 bit.
    const explicit = clone(memberProof)
    let e = 0
    while ((explicit.bitmap[e >> 3]! >> (7 - (e % 8))) & 1) e++
    let before = 0
    for (let i = 0; i < e; i++) before += (explicit.bitmap[i >> 3]! >> (7 - (i % 8))) & 1
    explicit.bitmap[e >> 3]! |= 0x80 >> (e % 8)
    explicit.siblings.splice(before, 0, new Uint8Array(32))
    expect(reasonOf(verifySmtProof(root, member, memberValue, explicit))).toMatch(/placeholder/)
  })

  it('rejects a membership proof offered as non-membership, and the reverse', () => {
    expect(reasonOf(verifySmtProof(root, member, undefined, memberProof))).toBe(
      'proof shows the key present, not absent',
    )
    expect(reasonOf(verifySmtProof(root, near, h('any'), absentLeafProof))).toMatch(/absent \(another leaf/)
    expect(reasonOf(verifySmtProof(root, absentEmpty, h('any'), absentEmptyProof))).toMatch(
      /absent \(empty subtree\)/,
    )
    // A non-membership proof whose leaf is made to claim the queried key.
    const forged = clone(absentLeafProof)
    forged.leaf = { keyHash: near, valueHash: h('forged') }
    expect(reasonOf(verifySmtProof(root, near, h('forged'), forged))).toBe(
      'the proof does not lead to the root',
    )
    // Dropping the leaf from a membership proof to claim an empty subtree.
    const noLeaf = clone(memberProof)
    delete noLeaf.leaf
    expect(reasonOf(verifySmtProof(root, member, undefined, noLeaf))).toBe(
      'the proof does not lead to the root',
    )
  })

  it('rejects a proof used for another key, a wrong value, a wrong root', () => {
    const other = keys[4]!
    expect(verifySmtProof(root, other, tree.get(other), memberProof).ok).toBe(false)
    expect(verifySmtProof(root, other, undefined, memberProof).ok).toBe(false)
    expect(reasonOf(verifySmtProof(root, member, h('wrong'), memberProof))).toBe(
      "the proof's leaf has a different value hash",
    )
    expect(reasonOf(verifySmtProof(h('root'), member, memberValue, memberProof))).toBe(
      'the proof does not lead to the root',
    )
    // A leaf off the key's path.
    const offPath = clone(absentLeafProof)
    offPath.leaf = { keyHash: keys[9]!, valueHash: h('value9') }
    expect(reasonOf(verifySmtProof(root, near, undefined, offPath))).toMatch(
      /not on the key's path|does not lead/,
    )
  })

  it('answers garbage with a reason, never a throw', () => {
    const garbage: unknown[] = [
      null,
      {},
      { v: 1, depth: -1, bitmap: new Uint8Array(0), siblings: [] },
      { v: 1, depth: 1.5, bitmap: new Uint8Array(1), siblings: [] },
      { v: 1, depth: 300, bitmap: new Uint8Array(38), siblings: [] },
      { v: 1, depth: 0, bitmap: 'x', siblings: [] },
      { v: 1, depth: 1, bitmap: Uint8Array.of(0x80), siblings: ['x'] },
      { v: 1, depth: 1, bitmap: Uint8Array.of(0x80), siblings: [new Uint8Array(31)] },
      { v: 1, depth: 0, bitmap: new Uint8Array(0), siblings: [], leaf: { keyHash: 1, valueHash: 2 } },
      { v: 1, depth: 0, bitmap: new Uint8Array(0), siblings: null },
      { ...memberProof, v: 2 },
    ]
    for (const g of garbage) {
      const r = verifySmtProof(root, member, memberValue, g as SmtProof)
      expect(r.ok, JSON.stringify(g)).toBe(false)
    }
    expect(reasonOf(verifySmtProof(new Uint8Array(3), member, memberValue, memberProof))).toMatch(/root/)
    expect(reasonOf(verifySmtProof(root, new Uint8Array(3), memberValue, memberProof))).toMatch(/key hash/)
    expect(reasonOf(verifySmtProof(root, member, new Uint8Array(3), memberProof))).toMatch(/value hash/)
  })

  it('never accepts a proof whose encoding had any byte changed', () => {
    const enc = SmtProofType.encode(memberProof)
    fc.assert(
      fc.property(fc.nat({ max: enc.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const bad = enc.slice()
        bad[i]! ^= x
        const d = SmtProofType.tryDecode(bad)
        if (d.ok) expect(verifySmtProof(root, member, memberValue, d.value).ok).toBe(false)
      }),
      { numRuns: 500 },
    )
  })

  it('decodes strictly: truncated, extended, oversized and inconsistent encodings are named errors', () => {
    const enc = SmtProofType.encode(memberProof)
    const name = (b: Uint8Array) => {
      const r = SmtProofType.tryDecode(b)
      return r.ok ? 'ok' : r.error.name
    }
    expect(name(enc)).toBe('ok')
    expect(name(enc.subarray(0, enc.length - 1))).toBe('MalformedEncodingError')
    expect(name(concatBytes(enc, Uint8Array.of(0)))).toMatch(
      /MalformedEncodingError|NonCanonicalEncodingError/,
    )
    expect(name(new Uint8Array(SMT_PROOF_MAX_BYTES + 1))).toBe('MessageTooLargeError')
    const added = clone(memberProof)
    added.siblings.push(h('extra'))
    expect(() => SmtProofType.encode(added)).toThrow(/carries/)
    // Hand-built inconsistent encoding (bypassing the encoder's check): depth 1, bitmap 0x80, no sibling.
    expect(name(Uint8Array.of(0x85, 0x01, 0x01, 0x41, 0x80, 0x80, 0xf6))).toBe('ValueOutOfRangeError')
    expect(name(Uint8Array.of(0x85, 0x02, 0x00, 0x40, 0x80, 0xf6))).toBe('UnsupportedVersionError')
  })

  it('sizes the codec limit to the largest possible proof exactly', () => {
    const key = new Uint8Array(32).fill(0xaa)
    const worst: SmtProof = {
      v: 1,
      depth: 256,
      bitmap: new Uint8Array(32).fill(0xff),
      siblings: Array.from({ length: 256 }, (_, i) => h(`s${i}`)),
      leaf: { keyHash: key, valueHash: h('v') },
    }
    const enc = SmtProofType.encode(worst)
    expect(enc.length).toBe(SMT_PROOF_MAX_BYTES)
    expect(SmtProofType.decode(enc)).toEqual(worst)
  })
})
