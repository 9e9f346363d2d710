/**
 * Nomination leader election with stellar-core's default weight and hash helpers: the port of
 * "updateRoundLeaders handles zero weight nodes" (SCPUnitTests.cpp), an independent recomputation
 * of round 1's leaders, and the distribution of leadership over many slots.
 */
import { describe, expect, it } from 'vitest'
import { encodeData, readU64be, sha256 } from '../../../src/core/codec/index.js'
import {
  defaultComputeHashNode,
  defaultComputeValueHash,
  getNodeWeight,
  type NodeId,
  normalizeQuorumSet,
  type QuorumSet,
  Scp,
  type ScpDriver,
  type ScpDriverNodeWeight,
  type Value,
} from '../../../src/core/scp/index.js'

/** A driver with stellar-core's default hashing and no peers; optional zero-weight nodes. */
function driver(zeroWeight: Set<NodeId> = new Set()): ScpDriver & ScpDriverNodeWeight {
  return {
    signEnvelope() {},
    getQuorumSet: () => undefined,
    validateValue: () => 'fullyValidated',
    extractValidValue: () => undefined,
    combineCandidates: (_s, c) => c[0],
    emitEnvelope() {},
    valueExternalized() {},
    computeHashNode: defaultComputeHashNode,
    computeValueHash: defaultComputeValueHash,
    computeTimeout: (round) => 1000 * round,
    setupTimer() {},
    stopTimer() {},
    getNodeWeight: (id, q, local) => (zeroWeight.has(id) ? 0n : getNodeWeight(id, q, local)),
  }
}

describe('default hash helpers (SCPDriver::hashHelper)', () => {
  it('take the first 8 bytes of SHA-256 of the encoded (slot, previous value, tag, round, id/value)', () => {
    const prev = Uint8Array.of(42)
    const expectNode = (isPriority: boolean) =>
      readU64be(sha256(encodeData([7n, prev, isPriority ? 2 : 1, 3, 'v1'])))
    expect(defaultComputeHashNode(7n, prev, true, 3, 'v1')).toBe(expectNode(true))
    expect(defaultComputeHashNode(7n, prev, false, 3, 'v1')).toBe(expectNode(false))
    expect(defaultComputeValueHash(7n, prev, 3, Uint8Array.of(9))).toBe(
      readU64be(sha256(encodeData([7n, prev, 3, 3, Uint8Array.of(9)]))),
    )
  })
  it('differ by tag, round, slot and node', () => {
    const prev = Uint8Array.of(1)
    const base = defaultComputeHashNode(1n, prev, true, 1, 'a')
    expect(defaultComputeHashNode(1n, prev, false, 1, 'a')).not.toBe(base)
    expect(defaultComputeHashNode(1n, prev, true, 2, 'a')).not.toBe(base)
    expect(defaultComputeHashNode(2n, prev, true, 1, 'a')).not.toBe(base)
    expect(defaultComputeHashNode(1n, prev, true, 1, 'b')).not.toBe(base)
  })
})

describe('updateRoundLeaders handles zero weight nodes (stellar-core)', () => {
  const qSet: QuorumSet = { threshold: 2, validators: ['v0', 'v1', 'v2'], innerSets: [] }
  const leadersAfterRounds = (zero: NodeId[]): Set<NodeId> => {
    const scp = new Scp(driver(new Set(zero)), 'v0', true, qSet)
    const prev = Uint8Array.of(42)
    // many more rounds than validators: must terminate and never pick a zero-weight node
    scp.nominate(0n, Uint8Array.of(1), prev, false)
    for (let i = 1; i < 20; i++) scp.nominate(0n, Uint8Array.of(1), prev, true)
    return scp.getNominationLeaders(0n)
  }
  it('excludes a non-local zero-weight validator', () => {
    expect([...leadersAfterRounds(['v2'])].sort()).toEqual(['v0', 'v1'])
  })
  it('excludes the local node when its weight is zero', () => {
    expect([...leadersAfterRounds(['v0'])].sort()).toEqual(['v1', 'v2'])
  })
})

describe('leader election with stellar-core defaults', () => {
  const qSet: QuorumSet = {
    threshold: 3,
    validators: ['a', 'b', 'c'],
    innerSets: [{ threshold: 2, validators: ['d', 'e', 'f'], innerSets: [] }],
  }

  /** Round 1 leaders, recomputed from the formulas: priority = hashP if hashN ≤ weight, else 0. */
  const expectedLeaders = (local: NodeId, slot: bigint, prev: Value): Set<NodeId> => {
    const q = normalizeQuorumSet(normalizeQuorumSet(qSet), local)
    const nodes = [local, ...['a', 'b', 'c', 'd', 'e', 'f'].filter((n) => n !== local)]
    for (let round = 1; ; round++) {
      let top = 0n
      let leaders = new Set<NodeId>()
      for (const n of nodes) {
        const w = getNodeWeight(n, q, n === local)
        const p =
          w > 0n && defaultComputeHashNode(slot, prev, false, round, n) <= w
            ? defaultComputeHashNode(slot, prev, true, round, n)
            : 0n
        if (p > top) {
          top = p
          leaders = new Set([n])
        } else if (p === top && p > 0n) leaders.add(n)
      }
      if (top > 0n) return leaders
    }
  }

  it('matches an independent computation of round 1 for every node and many slots', () => {
    for (const local of ['a', 'd']) {
      for (let slot = 1n; slot <= 40n; slot++) {
        const prev = Uint8Array.of(Number(slot % 256n))
        const scp = new Scp(driver(), local, true, qSet)
        scp.nominate(slot, Uint8Array.of(1), prev, false)
        expect(scp.getNominationLeaders(slot)).toEqual(expectedLeaders(local, slot, prev))
      }
    }
  })

  it('spreads leadership over the nodes in proportion to their weight', () => {
    const wins = new Map<NodeId, number>()
    for (let slot = 1n; slot <= 600n; slot++) {
      const scp = new Scp(driver(), 'a', true, qSet)
      scp.nominate(slot, Uint8Array.of(1), Uint8Array.of(7), false)
      for (const l of scp.getNominationLeaders(slot)) wins.set(l, (wins.get(l) ?? 0) + 1)
    }
    // top-level validators weigh 3/4, inner ones 3/4 · 2/3 = 1/2: both kinds lead, top-level more
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) expect(wins.get(n) ?? 0).toBeGreaterThan(30)
    const outer = (wins.get('b')! + wins.get('c')!) / 2
    const inner = (wins.get('d')! + wins.get('e')! + wins.get('f')!) / 3
    expect(outer).toBeGreaterThan(inner)
  })
})
