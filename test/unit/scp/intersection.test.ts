/**
 * The quorum-intersection checker: a Stellar tier-1-like network (7 organisations × 3 validators)
 * and broken variants, small hand-made networks, and random networks checked against brute force.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkQuorumIntersection,
  isQuorumSlice,
  type NodeId,
  type QuorumSet,
} from '../../../src/core/scp/index.js'

const qs = (threshold: number, validators: string[], innerSets: QuorumSet[] = []): QuorumSet => ({
  threshold,
  validators,
  innerSets,
})

/** 7 organisations of 3 validators; org inner sets need `orgThreshold`, the top level `topThreshold`. */
function tier1(orgThreshold = 2, topThreshold = 5, orgs = 7): Map<NodeId, QuorumSet> {
  const names = Array.from({ length: orgs }, (_, o) => [0, 1, 2].map((i) => `org${o}-${i}`))
  const q = qs(
    topThreshold,
    [],
    names.map((n) => qs(orgThreshold, n)),
  )
  return new Map(names.flat().map((id) => [id, q]))
}

/** Is `set` a quorum of `network` (non-empty, every member has a slice inside)? */
function isQuorum(network: ReadonlyMap<NodeId, QuorumSet>, set: NodeId[]): boolean {
  return set.length > 0 && set.every((id) => network.has(id) && isQuorumSlice(network.get(id)!, set))
}

function expectSplit(network: ReadonlyMap<NodeId, QuorumSet>, r: ReturnType<typeof checkQuorumIntersection>) {
  expect(r.intersects).toBe(false)
  if (r.intersects !== false) return
  const [a, b] = r.quorums
  expect(isQuorum(network, a)).toBe(true)
  expect(isQuorum(network, b)).toBe(true)
  expect(a.filter((n) => b.includes(n))).toEqual([])
}

describe('tier-1-like network (7 organisations × 3 validators, 2 of 3 per org, 5 of 7 orgs)', () => {
  it('intersects, decided well under a second', () => {
    const t = performance.now()
    const r = checkQuorumIntersection(tier1())
    expect(performance.now() - t).toBeLessThan(1000)
    expect(r).toMatchObject({ intersects: true, quorumExists: true, method: 'symmetric' })
  })

  it('recognises the same slices listed in another order as the same quorum set', () => {
    const network = new Map<NodeId, QuorumSet>()
    for (const [id, q] of tier1()) {
      const org = id.split('-')[0]!
      const own = q.innerSets.filter((s) => s.validators[0]!.startsWith(`${org}-`))
      const rest = q.innerSets.filter((s) => !s.validators[0]!.startsWith(`${org}-`))
      network.set(id, qs(q.threshold, [], [...own, ...rest.reverse()]))
    }
    expect(checkQuorumIntersection(network)).toMatchObject({ intersects: true, method: 'symmetric' })
  })

  it('intersects with a watcher that needs only 4 organisations, found by search well under a second', () => {
    const network = tier1()
    network.set('watcher', qs(4, [], tier1().get('org0-0')!.innerSets))
    const t = performance.now()
    const r = checkQuorumIntersection(network)
    const ms = performance.now() - t
    expect(r).toMatchObject({ intersects: true, quorumExists: true, method: 'search' })
    expect(ms).toBeLessThan(1000)
  })

  it('finds the split when organisations accept any one of their validators (1 of 3)', () => {
    const network = tier1(1)
    expectSplit(network, checkQuorumIntersection(network))
  })

  it('finds the split when the top level needs only half the organisations (4 of 8)', () => {
    const network = tier1(2, 4, 8)
    const r = checkQuorumIntersection(network)
    expectSplit(network, r)
  })

  it('finds the split by search when one organisation deviates', () => {
    const network = tier1()
    // org6 trusts only itself: its own 2-of-3 is a quorum, disjoint from the rest's 5 of 7 that
    // excludes org6
    for (const i of [0, 1, 2]) network.set(`org6-${i}`, qs(2, ['org6-0', 'org6-1', 'org6-2']))
    const r = checkQuorumIntersection(network)
    expect(r.method).toBe('search')
    expectSplit(network, r)
  })
})

describe('small networks', () => {
  const flat = (n: number, t: number) => {
    const ids = Array.from({ length: n }, (_, i) => `v${i}`)
    return new Map(ids.map((id) => [id, qs(t, ids)]))
  }
  it('flat 3 of 4 intersects; 2 of 4 splits into two pairs', () => {
    expect(checkQuorumIntersection(flat(4, 3)).intersects).toBe(true)
    const network = flat(4, 2)
    const r = checkQuorumIntersection(network)
    expectSplit(network, r)
    if (r.intersects === false) expect(r.quorums.map((q) => q.length)).toEqual([2, 2])
  })

  it('two groups that only trust themselves split', () => {
    const a = ['a1', 'a2', 'a3']
    const b = ['b1', 'b2', 'b3']
    const network = new Map<NodeId, QuorumSet>([
      ...a.map((id): [NodeId, QuorumSet] => [id, qs(2, a)]),
      ...b.map((id): [NodeId, QuorumSet] => [id, qs(2, b)]),
    ])
    const r = checkQuorumIntersection(network)
    expectSplit(network, r)
  })

  it('nodes with no known quorum set are never in a quorum', () => {
    // v0..v2 need 2 of {v0, v1, v2, ghost}: ghost never counts, so 2 of 3 real nodes: intersect
    const ids = ['v0', 'v1', 'v2']
    const network = new Map(ids.map((id) => [id, qs(3, [...ids, 'ghost'])]))
    expect(checkQuorumIntersection(network)).toMatchObject({ intersects: true, quorumExists: true })
    // with threshold 2 of 4 the real nodes could split {v0, v1} / {v2, ghost}, but ghost is not real
    const loose = new Map(ids.map((id) => [id, qs(2, [...ids, 'ghost'])]))
    expect(checkQuorumIntersection(loose).intersects).toBe(true)
  })

  it('reports that no quorum exists (so, vacuously, all quorums intersect)', () => {
    const network = new Map([
      ['a', qs(2, ['a', 'b'])],
      ['b', qs(2, ['b', 'c'])],
    ])
    expect(checkQuorumIntersection(network)).toMatchObject({ intersects: true, quorumExists: false })
  })

  it('accepts a plain record and gives up with "unknown" when the step budget runs out', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `n${i}`)
    // different but overlapping sets: search needed
    const record = Object.fromEntries(
      ids.map((id, i) => [id, qs(7, [...ids.slice(i), ...ids.slice(0, i)].slice(0, 11))]),
    )
    expect(checkQuorumIntersection(record, { maxSteps: 3 })).toMatchObject({
      intersects: 'unknown',
      steps: 4,
    })
    expect(checkQuorumIntersection(record).intersects).not.toBe('unknown')
  })
})

describe('against brute force on random networks', () => {
  /** All quorums by enumeration; answer whether some two are disjoint. */
  function bruteForce(network: Map<NodeId, QuorumSet>): boolean {
    const ids = [...network.keys()]
    const quorums: number[] = []
    for (let m = 1; m < 1 << ids.length; m++) {
      const set = ids.filter((_, i) => (m >> i) & 1)
      if (isQuorum(network, set)) quorums.push(m)
    }
    for (const a of quorums) for (const b of quorums) if ((a & b) === 0) return false
    return true
  }
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
  const subsetOf = fc.subarray(ids, { minLength: 1 })
  const qset: fc.Arbitrary<QuorumSet> = fc
    .tuple(subsetOf, fc.option(subsetOf, { nil: undefined }), fc.nat(), fc.nat())
    .map(([v, inner, t1, t2]) => {
      const innerSets = inner
        ? [
            qs(
              1 + (t2 % inner.length),
              inner.filter((x) => !v.includes(x)),
            ),
          ]
        : []
      const usable = innerSets.filter((s) => s.validators.length > 0 && s.threshold <= s.validators.length)
      const entries = v.length + usable.length
      return qs(1 + (t1 % entries), v, usable)
    })

  it('agrees on random 3..7-node networks (search and symmetric paths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 7 }),
        fc.array(qset, { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        (n, sets, same) => {
          const network = new Map(ids.slice(0, n).map((id, i) => [id, same ? sets[0]! : sets[i]!]))
          const r = checkQuorumIntersection(network)
          expect(r.intersects).toBe(bruteForce(network))
          if (r.intersects === false) expectSplit(network, r)
        },
      ),
      { numRuns: 400 },
    )
  })
})
