/**
 * Choosing the trusted quorum set: PageRank over the validators' trust graph (src/core/light/trust.ts),
 * and which reported quorum sets count (only those a validator signed itself).
 */
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import {
  attestedQuorumSets,
  bftThreshold,
  chooseTrustedQuorumSet,
  explainTrust,
  MAX_TRUSTED_VALIDATORS,
  pageRank,
  type ReportedQuorumSet,
  signedQuorumSetHashes,
  trustGraph,
} from '../../../src/core/light/index.js'
import { QuorumSetMessage, quorumSetHash } from '../../../src/core/scp/codec.js'
import type { QuorumSet } from '../../../src/core/scp/types.js'
import { externalize, networkId, QSET, VALIDATORS, validator } from './fixtures.js'

const flat = (threshold: number, validators: string[]): QuorumSet => ({
  threshold,
  validators,
  innerSets: [],
})

/**
 * A Stellar-like network: 7 organisations × 3 validators form tier 1; each tier-1 validator requires 5 of
 * the 7 organisations (2 of each organisation's 3). 30 leaf validators each trust 4 of 5 organisations,
 * picked round-robin. Nobody trusts a leaf.
 */
function tier1Network() {
  const orgs = Array.from({ length: 7 }, (_, o) => Array.from({ length: 3 }, (_, i) => `T${o}${i}`))
  const orgSet = (o: number): QuorumSet => flat(2, orgs[o]!)
  const tier1Qset: QuorumSet = { threshold: 5, validators: [], innerSets: orgs.map((_, o) => orgSet(o)) }
  const reports: ReportedQuorumSet[] = orgs.flat().map((id) => ({ id, quorumSet: tier1Qset }))
  const leaves = Array.from({ length: 30 }, (_, i) => `L${String(i).padStart(2, '0')}`)
  leaves.forEach((id, i) => {
    const picked = [0, 1, 2, 3, 4].map((k) => (i + k) % 7)
    reports.push({ id, quorumSet: { threshold: 4, validators: [], innerSets: picked.map(orgSet) } })
  })
  return { orgs, tier1: orgs.flat().sort(), leaves, reports }
}

describe('the trust graph', () => {
  it('weights each edge by the target’s share of the source’s slices, drops self-edges, sums to 1', () => {
    const g = trustGraph([
      { id: 'A', quorumSet: { threshold: 2, validators: ['A', 'B'], innerSets: [flat(1, ['C', 'D'])] } },
    ])
    expect(g.nodes).toEqual(['A', 'B', 'C', 'D'])
    const edges = g.edges.get('A')!
    // getNodeWeight: B = 2/2 = 1; C and D = 1 × (1/2) = 1/2 each; normalised: 1/2, 1/4, 1/4.
    expect(edges.map((e) => [e.to, e.weight])).toEqual([
      ['B', 0.5],
      ['C', 0.25],
      ['D', 0.25],
    ])
    expect(g.edges.has('B')).toBe(false)
  })
})

describe('PageRank over the trust graph', () => {
  it('ranks a tier-1-like core above the leaves and picks its 21 validators with threshold 15', () => {
    const { tier1, leaves, reports } = tier1Network()
    const choice = chooseTrustedQuorumSet(reports, { seeds: [leaves[0]!, leaves[7]!, leaves[20]!] })
    expect(choice.quorumSet).toEqual({ threshold: 15, validators: tier1, innerSets: [] })
    expect(bftThreshold(21)).toBe(15)
    const scores = new Map(choice.ranking.map((r) => [r.id, r.score]))
    for (const l of leaves) expect(scores.get(l)).toBe(0)
    for (const t of tier1) expect(scores.get(t)).toBeGreaterThan(0.03)
    expect(
      choice.ranking
        .slice(0, 21)
        .map((r) => r.id)
        .sort(),
    ).toEqual(tier1)
    const sum = choice.ranking.reduce((s, r) => s + r.score, 0)
    expect(sum).toBeCloseTo(1, 9)
  })

  it('gives no rank to a sybil cluster that trusts only itself, however large', () => {
    const honest = ['H0', 'H1', 'H2', 'H3']
    const sybils = Array.from({ length: 40 }, (_, i) => `S${String(i).padStart(2, '0')}`)
    const reports: ReportedQuorumSet[] = [
      ...honest.map((id) => ({ id, quorumSet: flat(3, honest) })),
      ...sybils.map((id) => ({ id, quorumSet: flat(30, sybils) })),
    ]
    const choice = chooseTrustedQuorumSet(reports, { seeds: ['H0', 'H2'] })
    expect(choice.quorumSet).toEqual({ threshold: 3, validators: honest, innerSets: [] })
    for (const r of choice.ranking)
      if (r.id.startsWith('S')) expect([r.id, r.score, r.rank]).toEqual([r.id, 0, 0])
    // Without seeds the walk restarts anywhere and the cluster keeps its share: why seeds are required.
    const unseeded = pageRank(trustGraph(reports))
    expect(unseeded.ranking.find((r) => r.id === 'S00')!.score).toBeGreaterThan(0)
  })

  it('a sybil cluster trusted by nobody honest cannot get in even when it names the honest validators', () => {
    const honest = ['H0', 'H1', 'H2', 'H3']
    const sybils = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5']
    const reports: ReportedQuorumSet[] = [
      ...honest.map((id) => ({ id, quorumSet: flat(3, honest) })),
      ...sybils.map((id) => ({ id, quorumSet: flat(5, [...sybils, ...honest]) })),
    ]
    const choice = chooseTrustedQuorumSet(reports, { seeds: ['H1'] })
    expect(choice.quorumSet.validators).toEqual(honest)
  })

  it('breaks ties by id and gives the same result for any order of the reports', () => {
    const ids = ['V3', 'V1', 'V0', 'V2']
    const reports = ids.map((id) => ({ id, quorumSet: flat(3, ids) }))
    const a = chooseTrustedQuorumSet(reports)
    const b = chooseTrustedQuorumSet([...reports].reverse())
    expect(a.ranking.map((r) => r.id)).toEqual(['V0', 'V1', 'V2', 'V3'])
    expect(a.ranking.map((r) => r.score)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(b.ranking).toEqual(a.ranking)
    expect(a.quorumSet).toEqual({ threshold: 3, validators: ['V0', 'V1', 'V2', 'V3'], innerSets: [] })
    // Reproducible: the tier-1 network ranks identically twice and from shuffled input.
    const { reports: t1, leaves } = tier1Network()
    const shuffled = [...t1].sort((x, y) =>
      x.id.split('').reverse().join() < y.id.split('').reverse().join() ? -1 : 1,
    )
    expect(chooseTrustedQuorumSet(shuffled, { seeds: [leaves[3]!] }).ranking).toEqual(
      chooseTrustedQuorumSet(t1, { seeds: [leaves[3]!] }).ranking,
    )
  })

  it(`keeps at most ${MAX_TRUSTED_VALIDATORS} validators, the first by id among equals`, () => {
    const ids = Array.from({ length: 30 }, (_, i) => `V${String(i).padStart(2, '0')}`)
    const choice = chooseTrustedQuorumSet(ids.map((id) => ({ id, quorumSet: flat(20, ids) })))
    expect(choice.quorumSet.validators).toEqual(ids.slice(0, 21))
    expect(choice.quorumSet.threshold).toBe(15)
  })

  it('chooses nothing (a set no header can satisfy) when nobody is trusted', () => {
    const choice = chooseTrustedQuorumSet([{ id: 'A', quorumSet: flat(1, ['A']) }], { seeds: ['A'] })
    expect(choice.quorumSet).toEqual({ threshold: 0, validators: [], innerSets: [] })
    expect(explainTrust(choice).summary).toMatch(/No validator is trusted/)
  })

  it('BFT threshold n − ⌊(n − 1)/3⌋', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10, 21].map(bftThreshold)).toEqual([1, 2, 3, 3, 4, 5, 5, 7, 15])
  })

  it('explains the choice for the UI', () => {
    const { leaves, reports } = tier1Network()
    const e = explainTrust(chooseTrustedQuorumSet(reports, { seeds: [leaves[0]!] }))
    expect(e.method).toBe('pagerank')
    expect(e.threshold).toBe(15)
    expect(e.thresholdRule).toBe('n − ⌊(n − 1)/3⌋')
    expect(e.seeds).toEqual([leaves[0]])
    expect(e.validators.filter((v) => v.chosen)).toHaveLength(21)
    const top = e.validators[0]!
    expect(top.position).toBe(1)
    expect(top.trustedBy.length).toBeGreaterThan(20)
    expect(e.validators.find((v) => v.id === leaves[0])).toMatchObject({
      score: 0,
      chosen: false,
      trustedBy: [],
    })
    expect(e.summary).toMatch(/Ranked 51 validators by PageRank.*15 of them sign/)
  })
})

describe('which reported quorum sets count', () => {
  it('keeps only quorum sets whose hash the validator signed in an EXTERNALIZE', async () => {
    const value = new Uint8Array(40).fill(1)
    const envelopes = VALIDATORS.slice(0, 3).map((v) => externalize(v, 9n, value))
    // A forged envelope for the fourth validator (signed by another key) does not count.
    const forged = externalize({ ...validator(99), id: VALIDATORS[3]!.id }, 9n, value)
    const attestations = await signedQuorumSetHashes([...envelopes, forged, Uint8Array.of(1, 2)], {
      networkId,
      ed25519: nodeEd25519,
    })
    expect([...attestations.keys()].sort()).toEqual(
      VALIDATORS.slice(0, 3)
        .map((v) => v.id)
        .sort(),
    )
    expect(attestations.get(VALIDATORS[0]!.id)!.quorumSetHash).toEqual(quorumSetHash(QSET))

    const lie = QuorumSetMessage.encode(flat(1, [VALIDATORS[0]!.id]))
    const { accepted, rejected } = attestedQuorumSets(
      [
        { id: VALIDATORS[0]!.id, quorumSet: QuorumSetMessage.encode(QSET) },
        { id: VALIDATORS[1]!.id, quorumSet: lie },
        { id: VALIDATORS[3]!.id, quorumSet: QuorumSetMessage.encode(QSET) },
        { id: VALIDATORS[0]!.id, quorumSet: lie },
      ],
      attestations,
    )
    expect(accepted).toEqual([{ id: VALIDATORS[0]!.id, quorumSet: QSET }])
    expect(rejected.map((r) => [r.id, r.reason.split(' ')[0]])).toEqual([
      [VALIDATORS[1]!.id, 'hash'],
      [VALIDATORS[3]!.id, 'no'],
    ])
  })
})
