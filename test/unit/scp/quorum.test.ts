/**
 * Quorum-set utilities: ports of stellar-core's "vblocking and quorum", "v blocking distance"
 * (SCPTests.cpp), "sane quorum set" (QuorumSetTests.cpp) and "nomination weight" (SCPUnitTests.cpp),
 * plus the edge cases stellar-core's code has on insane sets.
 */
import { describe, expect, it } from 'vitest'
import {
  findClosestVBlocking,
  getNodeWeight,
  isQuorumSetSane,
  isQuorumSlice,
  isVBlocking,
  MAXIMUM_QUORUM_NESTING_LEVEL,
  normalizeQuorumSet,
  type QuorumSet,
  UINT64_MAX,
} from '../../../src/core/scp/index.js'

const qs = (threshold: number, validators: string[], innerSets: QuorumSet[] = []): QuorumSet => ({
  threshold,
  validators,
  innerSets,
})

describe('vblocking and quorum (stellar-core)', () => {
  it('grows from neither, to v-blocking, to a slice as {t: 3, v0..v3} hears more nodes', () => {
    const q = qs(3, ['v0', 'v1', 'v2', 'v3'])
    const nodes = ['v0']
    expect([isQuorumSlice(q, nodes), isVBlocking(q, nodes)]).toEqual([false, false])
    nodes.push('v2')
    expect([isQuorumSlice(q, nodes), isVBlocking(q, nodes)]).toEqual([false, true])
    nodes.push('v3')
    expect([isQuorumSlice(q, nodes), isVBlocking(q, nodes)]).toEqual([true, true])
    nodes.push('v1')
    expect([isQuorumSlice(q, nodes), isVBlocking(q, nodes)]).toEqual([true, true])
  })

  it('counts an inner set once it is itself satisfied or blocked', () => {
    const q = qs(2, ['a'], [qs(2, ['b', 'c', 'd'])])
    expect(isQuorumSlice(q, ['a', 'b'])).toBe(false)
    expect(isQuorumSlice(q, ['a', 'b', 'c'])).toBe(true)
    // blocking: 2 entries, threshold 2 → one blocked entry blocks; the inner set is blocked by 2 of 3
    expect(isVBlocking(q, ['b'])).toBe(false)
    expect(isVBlocking(q, ['b', 'c'])).toBe(true)
    expect(isVBlocking(q, ['a'])).toBe(true)
  })

  it('has no blocking set for threshold 0, and threshold 0 is never satisfied (unsigned countdown)', () => {
    expect(isVBlocking(qs(0, ['a']), ['a'])).toBe(false)
    expect(isQuorumSlice(qs(0, ['a']), ['a'])).toBe(false)
    expect(isQuorumSlice(qs(0, []), [])).toBe(false)
  })

  it('accepts any iterable of nodes (arrays, sets, generators)', () => {
    const q = qs(2, ['a', 'b', 'c'])
    function* gen() {
      yield 'a'
      yield 'c'
    }
    expect(isQuorumSlice(q, new Set(['a', 'b']))).toBe(true)
    expect(isQuorumSlice(q, gen())).toBe(true)
  })
})

describe('v blocking distance (stellar-core findClosestVBlocking)', () => {
  it('follows the reference sequence of distances', () => {
    const q: QuorumSet = qs(2, ['v0', 'v1', 'v2'])
    const check = (good: string[], expected: number) =>
      expect(findClosestVBlocking(q, new Set(good)).length).toBe(expected)
    const good = ['v0']
    check(good, 0) // already v-blocking
    good.push('v1')
    check(good, 1) // either v0 or v1
    good.push('v2')
    check(good, 2) // any 2 of v0..v2
    q.innerSets.push(qs(1, ['v3', 'v4', 'v5']))
    good.push('v3')
    check(good, 3) // any 3 of v0..v3
    good.push('v4')
    check(good, 3) // v0..v2
    q.threshold = 1
    check(good, 5) // v0..v4
    good.push('v5')
    check(good, 6) // v0..v5
    q.innerSets.push(qs(2, ['v6', 'v7']))
    check(good, 6) // v0..v5
    good.push('v6')
    check(good, 6) // v0..v5
    good.push('v7')
    check(good, 7) // v0..v5 and one of v6, v7
    q.threshold = 4
    check(good, 2) // v6, v7
    q.threshold = 3
    check(good, 3) // v0..v2
    q.threshold = 2
    check(good, 4) // v0..v2 and one of v6, v7
  })

  it('names the nodes: top-level validators first, then the smallest inner lists', () => {
    const q = qs(2, ['a', 'b'], [qs(2, ['d', 'e', 'f']), qs(1, ['g'])])
    // 4 entries, threshold 2 → 3 entries to block: a, b, then the inner set needing fewest failures
    expect(findClosestVBlocking(q, ['a', 'b', 'd', 'e', 'f', 'g'])).toEqual(['a', 'b', 'g'])
    // a already failed: two more entries
    expect(findClosestVBlocking(q, ['b', 'd', 'e', 'f', 'g'])).toEqual(['b', 'g'])
    // a, b and g failed: already blocked
    expect(findClosestVBlocking(q, ['d', 'e', 'f'])).toEqual([])
  })

  it('skips the excluded node altogether (neither failed nor a candidate)', () => {
    const q = qs(2, ['a', 'b', 'c'])
    expect(findClosestVBlocking(q, ['a', 'b', 'c'], 'a')).toEqual(['b', 'c'])
    expect(findClosestVBlocking(q, ['a', 'b', 'c'])).toEqual(['a', 'b'])
  })
})

describe('sane quorum set (stellar-core QuorumSetTests)', () => {
  const keys = Array.from({ length: 1001 }, (_, i) => `k${String(i).padStart(4, '0')}`)
  const single = (k: string) => qs(1, [k])
  const check = (q: QuorumSet, expected: boolean, expectedNormalized: QuorumSet) => {
    expect(isQuorumSetSane(q, false).ok).toBe(expected)
    expect(normalizeQuorumSet(q)).toEqual(expectedNormalized)
  }

  it('{ t: 0 } is insane', () => {
    const q = qs(0, [])
    check(q, false, q)
    expect(isQuorumSetSane(q, false)).toEqual({ ok: false, reason: 'Threshold must be greater than 0' })
  })
  it('{ t: 0, v0 } is insane', () => check(qs(0, [keys[0]!]), false, qs(0, [keys[0]!])))
  it('{ t: 2, v0 } is insane', () => {
    check(qs(2, [keys[0]!]), false, qs(2, [keys[0]!]))
    expect(isQuorumSetSane(qs(2, [keys[0]!]), false)).toEqual({
      ok: false,
      reason: 'Threshold exceeds total number of entries',
    })
  })
  it('{ t: 1, v0 } is sane', () => check(single(keys[0]!), true, single(keys[0]!)))
  it('{ t: 1, v0, { t: 1, v1 } } → { t: 1, v0, v1 }', () => {
    check(qs(1, [keys[0]!], [single(keys[1]!)]), true, qs(1, [keys[0]!, keys[1]!]))
  })
  it('{ t: 1, v0, { t: 1, v1 }, { t: 2, v2 } } → { t: 1, v0, v2, { t: 2, v1 } } (insane)', () => {
    const q = qs(1, [keys[0]!], [qs(2, [keys[1]!]), single(keys[2]!)])
    check(q, false, qs(1, [keys[0]!, keys[2]!], [qs(2, [keys[1]!])]))
  })
  const multiple = qs(1, [keys[0]!], [single(keys[1]!), qs(1, [keys[2]!, keys[3]!])])
  const multipleNormalized = qs(1, [keys[0]!, keys[1]!], [qs(1, [keys[2]!, keys[3]!])])
  it('{ t: 1, v0, { t: 1, v1 }, { t: 1, v2, v3 } } → { t: 1, v0, v1, { t: 1, v2, v3 } }', () => {
    check(multiple, true, multipleNormalized)
  })
  it('{ t: 1, { t: 1, v0, { t: 1, v1 }, { t: 1, v2, v3 } } } unwraps the single inner set', () => {
    check(qs(1, [], [multiple]), true, multipleNormalized)
  })
  it('{ t: 1, v0, { t: 1, v1, { t: 1, v2, { t: 1, v3 } } } } merges v3 next to v2', () => {
    const q = qs(1, [keys[0]!], [qs(1, [keys[1]!], [qs(1, [keys[2]!], [single(keys[3]!)])])])
    check(q, true, qs(1, [keys[0]!], [qs(1, [keys[1]!], [qs(1, [keys[2]!, keys[3]!])])]))
  })

  const nested = (level: number): [QuorumSet, QuorumSet] => {
    const sets = Array.from({ length: level + 1 }, (_, i) => single(keys[i]!))
    for (let i = level - 1; i >= 0; i--) sets[i]!.innerSets.push(sets[i + 1]!)
    const q = sets[0]!
    const normalized = structuredClone(q)
    let cur = normalized
    for (let i = 0; i < level - 1; i++) cur = cur.innerSets[cur.innerSets.length - 1]!
    cur.validators.push(keys[level]!)
    cur.innerSets = []
    return [q, normalized]
  }
  it(`nesting deeper than ${MAXIMUM_QUORUM_NESTING_LEVEL} is insane`, () => {
    const [q, n] = nested(MAXIMUM_QUORUM_NESTING_LEVEL + 1)
    check(q, false, n)
    expect(isQuorumSetSane(q, false)).toEqual({ ok: false, reason: 'Maximum quorum nesting level exceeded' })
  })
  it(`nesting of exactly ${MAXIMUM_QUORUM_NESTING_LEVEL} is sane`, () => {
    const [q, n] = nested(MAXIMUM_QUORUM_NESTING_LEVEL)
    check(q, true, n)
  })
  it('{ t: 1, v0..v999 } is sane', () => {
    const q = qs(1, keys.slice(0, 1000))
    check(q, true, q)
  })
  it('{ t: 1, v0..v1000 } is too big', () => {
    const q = qs(1, keys.slice(0, 1001))
    check(q, false, q)
    expect(isQuorumSetSane(q, false)).toEqual({
      ok: false,
      reason: 'Total number of nodes in a quorum must be within 1 and 1000',
    })
  })
  it('{ t: 1, v0, 10 × { t: 1, 100 nodes } } is too big', () => {
    const inner = Array.from({ length: 10 }, (_, i) => qs(1, keys.slice(i * 100 + 1, (i + 1) * 100 + 1)))
    const q = qs(1, [keys[0]!], inner)
    check(q, false, q)
  })
  it('refuses a node named twice', () => {
    expect(isQuorumSetSane(qs(1, ['a'], [qs(1, ['b', 'a'])]), false)).toEqual({
      ok: false,
      reason: 'Duplicate node found in quorum configuration',
    })
  })
  it('with extraChecks refuses thresholds below a majority (v-blocking size)', () => {
    expect(isQuorumSetSane(qs(2, ['a', 'b', 'c', 'd']), true)).toEqual({
      ok: false,
      reason: 'Threshold is lower than the v-blocking size (< 51%).',
    })
    expect(isQuorumSetSane(qs(2, ['a', 'b', 'c', 'd']), false)).toEqual({ ok: true })
    expect(isQuorumSetSane(qs(3, ['a', 'b', 'c', 'd']), true)).toEqual({ ok: true })
  })
  it('refuses malformed input instead of throwing', () => {
    expect(isQuorumSetSane({ threshold: 1.5, validators: ['a'], innerSets: [] }, false).ok).toBe(false)
    expect(
      isQuorumSetSane({ threshold: 1, validators: [7 as unknown as string], innerSets: [] }, false).ok,
    ).toBe(false)
  })
})

describe('normalizeQuorumSet', () => {
  it('removes a node everywhere, lowering each threshold by the number of removals', () => {
    const q = qs(3, ['c', 'a', 'self'], [qs(2, ['self', 'd', 'e'])])
    expect(normalizeQuorumSet(q, 'self')).toEqual(qs(2, ['a', 'c'], [qs(1, ['d', 'e'])]))
  })
  it('sorts inner sets by validators, then inner sets, then threshold', () => {
    const q = qs(2, [], [qs(2, ['b', 'c']), qs(1, ['b', 'c']), qs(1, ['a', 'z'])])
    expect(normalizeQuorumSet(q)).toEqual(
      qs(2, [], [qs(1, ['a', 'z']), qs(1, ['b', 'c']), qs(2, ['b', 'c'])]),
    )
  })
  it('does not modify its input', () => {
    const q = qs(1, ['b', 'a'], [qs(1, ['c'])])
    const copy = structuredClone(q)
    normalizeQuorumSet(q, 'a')
    expect(q).toEqual(copy)
  })
})

describe('nomination weight (stellar-core getNodeWeight)', () => {
  const near = (w: bigint, target: number) =>
    expect(Math.abs(Number(w) / Number(UINT64_MAX) - target)).toBeLessThan(0.01)
  it('is t/n for a top-level validator, 0 for a stranger, and the product along nested sets', () => {
    const q = qs(3, ['v0', 'v1', 'v2', 'v3'])
    near(getNodeWeight('v2', q, false), 0.75)
    expect(getNodeWeight('v4', q, false)).toBe(0n)
    q.innerSets.push(qs(1, ['v4', 'v5']))
    near(getNodeWeight('v4', q, false), 0.6 * 0.5)
  })
  it('is 2^64−1 for the local node, and rounds up exactly', () => {
    expect(getNodeWeight('anyone', qs(1, ['x']), true)).toBe(UINT64_MAX)
    // ceil((2^64−1) · 2 / 3)
    expect(getNodeWeight('a', qs(2, ['a', 'b', 'c']), false)).toBe((UINT64_MAX * 2n + 2n) / 3n)
  })
})
