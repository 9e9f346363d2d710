/**
 * Whole-network properties of SCP in the deterministic simulator: replay by seed, safety (no two
 * intact nodes externalize different values for a slot) and liveness (after the faults heal, every
 * intact node externalizes every slot within the bound) over seeds and topologies, and targeted
 * scenarios: partitions with and without a quorum, crash and restore, equivocating nodes, and a
 * network without quorum intersection where the safety check must fire.
 */
import { describe, expect, it } from 'vitest'
import {
  byzantineTolerance,
  deleteNodes,
  flat,
  nested,
  randomScenario,
  runScenario,
  type ScenarioResult,
  type Topology,
  tiered,
} from '../../../relay/src/sim/index.js'
import type { QuorumSet } from '../../../src/core/scp/index.js'

const expectSafeAndLive = (r: ScenarioResult, what: string) => {
  expect(r.safety.violations, what).toEqual([])
  expect(r.liveness.missing, what).toEqual([])
}

describe('replay', () => {
  it('the same seed gives the same run (trace hash and values); another seed does not', () => {
    for (const seed of [3, 17, 2024]) {
      const a = runScenario(randomScenario(seed))
      const b = runScenario(randomScenario(seed))
      expect(a.traceHash).toBe(b.traceHash)
      expect(a.externalized).toEqual(b.externalized)
      expect(a.stats).toEqual(b.stats)
    }
    expect(runScenario(randomScenario(3)).traceHash).not.toBe(runScenario(randomScenario(4)).traceHash)
  })

  it('sending envelopes through the wire codec changes nothing but the transport', () => {
    const config = randomScenario(11)
    const objects = runScenario({ ...config, wire: 'objects' })
    const bytes = runScenario({ ...config, wire: 'bytes' })
    expect(bytes.traceHash).toBe(objects.traceHash)
    expect(bytes.externalized).toEqual(objects.externalized)
  })
})

describe('a clean tier-1-like network (7 organisations × 3)', () => {
  const r = runScenario({ seed: 1, topology: tiered(7), slots: 3, rebroadcastMs: 0 })
  it('externalizes every slot on every node, one value per slot', () => {
    expectSafeAndLive(r, 'tier-1')
    for (let s = 1n; s <= 3n; s++) {
      const values = new Set([...r.externalized.values()].map((m) => m.get(s)))
      expect(values.size).toBe(1)
    }
  })
  it('emits about 7 envelopes per validator per slot, as stellar-core on the happy path', () => {
    const perValidatorPerSlot = r.stats.envelopesEmitted / 21 / 3
    expect(perValidatorPerSlot).toBeGreaterThanOrEqual(6)
    expect(perValidatorPerSlot).toBeLessThanOrEqual(8)
  })
  it('agrees within a second of virtual time per slot', () => {
    for (const t of r.slotTimes) expect(t.last - t.first).toBeLessThan(1000)
    expect(r.slotTimes[0]!.last).toBeLessThan(2000)
  })
})

describe('safety and liveness over seeds and topologies (with loss, duplication, jitter, partitions, crashes, Byzantine nodes)', () => {
  for (const kind of ['flat', 'tiered', 'nested'] as const) {
    it(`${kind}: 40 random scenarios`, () => {
      const kinds = new Set<string>()
      for (let seed = 1; seed <= 40; seed++) {
        const config = randomScenario(seed * 7919 + kind.length, { kind })
        const r = runScenario(config)
        expectSafeAndLive(r, config.name!)
        for (const k of Object.values(config.byzantine ?? {})) kinds.add(k)
        if ((config.partitions ?? []).length > 0) kinds.add('partition')
        if ((config.crashes ?? []).length > 0) kinds.add('crash')
        if ((config.links?.loss ?? 0) > 0) kinds.add('loss')
      }
      // the seeds really exercised every fault family
      expect([...kinds].sort()).toEqual(['crash', 'equivocate', 'loss', 'partition', 'silent'])
    })
  }
})

describe('targeted scenarios', () => {
  it('a partition with no quorum on either side stalls everyone, and the network recovers when it heals', () => {
    const t = flat(5) // 4 of 5
    const r = runScenario({
      seed: 5,
      topology: t,
      slots: 2,
      partitions: [{ from: 0, to: 20_000, groups: [t.nodes.slice(0, 3), t.nodes.slice(3)] }],
    })
    expectSafeAndLive(r, 'split 3/2')
    expect(r.slotTimes[0]!.first).toBeGreaterThanOrEqual(20_000)
  })

  it('with a quorum on one side, that side keeps going and the other catches up after the heal', () => {
    const t = flat(7) // 5 of 7
    const minority = t.nodes.slice(5)
    const r = runScenario({
      seed: 6,
      topology: t,
      slots: 3,
      partitions: [{ from: 0, to: 30_000, groups: [t.nodes.slice(0, 5), minority] }],
    })
    expectSafeAndLive(r, 'split 5/2')
    expect(r.slotTimes[2]!.first).toBeLessThan(30_000) // the majority finished during the partition
    for (const id of minority) expect(r.externalized.get(id)!.size).toBe(3)
    expect(r.slotTimes[2]!.last).toBeGreaterThanOrEqual(30_000) // the minority only after the heal
  })

  it('a crashed node restores its own statements (setStateFromEnvelope) and finishes every slot', () => {
    const t = flat(4) // 3 of 4
    const r = runScenario({
      seed: 8,
      topology: t,
      slots: 3,
      crashes: [{ node: 'v00', at: 1_250, restartAt: 9_000 }],
      keepTrace: true,
    })
    expectSafeAndLive(r, 'crash v00')
    const restored = r.trace!.filter((l) => l.includes('v00 restored'))
    expect(restored.length).toBe(1)
    expect(restored[0]).toMatch(/restored [1-9]\d* slots/)
  })

  it('two equivocating nodes in a flat 5 of 7 cannot split the five honest ones', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = runScenario({
        seed,
        topology: flat(7),
        slots: 3,
        byzantine: { v01: 'equivocate', v04: 'equivocate' },
        links: { jitterMs: 100 },
      })
      expectSafeAndLive(r, `seed ${seed}`)
    }
  })

  it('without quorum intersection the safety check fires (the checker can fail)', () => {
    const a = ['a1', 'a2', 'a3']
    const b = ['b1', 'b2', 'b3']
    const split: Topology = {
      kind: 'custom',
      description: 'two halves that only trust themselves',
      nodes: [...a, ...b],
      qsets: new Map([
        ...a.map((id): [string, QuorumSet] => [id, { threshold: 2, validators: a, innerSets: [] }]),
        ...b.map((id): [string, QuorumSet] => [id, { threshold: 2, validators: b, innerSets: [] }]),
      ]),
    }
    const r = runScenario({ seed: 1, topology: split, slots: 1 })
    expect(r.safety.ok).toBe(false)
    expect(r.safety.violations[0]).toMatch(
      /^slot 1: [ab]\d externalized [0-9a-f]+ but [ab]\d externalized [0-9a-f]+$/,
    )
    expect(byzantineTolerance(split.qsets, new Set()).safe).toBe(false)
  })
})

describe('fault tolerance analysis', () => {
  it('flat 3 of 4 tolerates one Byzantine node, not two', () => {
    const q = flat(4).qsets
    expect(byzantineTolerance(q, new Set(['v00']))).toEqual({ safe: true, live: true })
    expect(byzantineTolerance(q, new Set(['v00', 'v01']))).toEqual({ safe: false, live: false })
  })
  it('tier-1-like: two whole organisations may fail; one node in each of three organisations may not', () => {
    const q = tiered(7).qsets
    const twoOrgs = new Set(['o00-0', 'o00-1', 'o00-2', 'o01-0', 'o01-1', 'o01-2'])
    expect(byzantineTolerance(q, twoOrgs)).toEqual({ safe: true, live: true })
    expect(byzantineTolerance(q, new Set(['o00-0', 'o01-0', 'o02-0'])).safe).toBe(false)
  })
  it('deleting nodes lowers thresholds; a set left needing nothing drops out of its parent', () => {
    const q: QuorumSet = {
      threshold: 2,
      validators: ['a'],
      innerSets: [{ threshold: 2, validators: ['b', 'c'], innerSets: [] }],
    }
    expect(deleteNodes(q, new Set(['b']), 'a')).toEqual({
      threshold: 2,
      validators: ['a'],
      innerSets: [{ threshold: 1, validators: ['c'], innerSets: [] }],
    })
    expect(deleteNodes(q, new Set(['b', 'c']), 'a')).toEqual({
      threshold: 1,
      validators: ['a'],
      innerSets: [],
    })
    expect(deleteNodes(q, new Set(['a', 'b', 'c']), 'x')).toEqual({
      threshold: 1,
      validators: ['x'],
      innerSets: [],
    })
  })
})

describe('topology builders', () => {
  it('tiered(7) is tier-1-like: 21 validators, 5 of 7 organisations, 2 of 3 inside each', () => {
    const t = tiered(7)
    expect(t.nodes.length).toBe(21)
    const q = t.qsets.get('o03-1')!
    expect(q.threshold).toBe(5)
    expect(q.innerSets.map((s) => [s.threshold, s.validators.length])).toEqual(Array(7).fill([2, 3]))
  })
  it('flat uses the BFT threshold and nested nests two levels', () => {
    expect(flat(10).qsets.get('v00')!.threshold).toBe(7)
    const n = nested(2, 2, 3, 3)
    const q = n.qsets.get('c00')!
    expect(q.innerSets[1]!.innerSets[0]!.validators).toEqual(['s-0', 's-1', 's-2'])
    expect(n.nodes.length).toBe(2 + 6 + 3)
  })
})
