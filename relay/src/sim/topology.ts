/**
 * Topology builders: who trusts whom. Each returns every node's quorum set.
 *
 * - `flat(n, k)`: everyone needs k of the n nodes (k defaults to the BFT threshold n − ⌊(n−1)/3⌋).
 * - `tiered(orgs, perOrg)`: stellar-core's generated configuration (`Config::generateQuorumSet`):
 *   each organisation is an inner set with a simple majority (m − ⌊(m−1)/2⌋), the top level needs
 *   n − ⌊(n−1)/3⌋ of the organisations. 7 × 3 is a Stellar tier-1-like network.
 * - `nested(...)`: a few validators listed directly next to groups, one group containing a
 *   sub-group: nesting two levels deep, thresholds BFT at every level.
 */
import type { QuorumSet } from '../../../src/core/scp/index.js'
import type { NodeId } from './node.js'

export interface Topology {
  kind: 'flat' | 'tiered' | 'nested' | 'custom'
  description: string
  nodes: NodeId[]
  qsets: Map<NodeId, QuorumSet>
}

/** stellar-core's BFT threshold for n entries: n − ⌊(n−1)/3⌋ (≈ 67%). */
export const bftThreshold = (n: number): number => n - Math.floor((n - 1) / 3)
/** stellar-core's simple majority for an organisation of n: n − ⌊(n−1)/2⌋. */
export const majority = (n: number): number => n - Math.floor((n - 1) / 2)

const pad = (i: number) => String(i).padStart(2, '0')

export function flat(n: number, threshold = bftThreshold(n)): Topology {
  const nodes = Array.from({ length: n }, (_, i) => `v${pad(i)}`)
  const q: QuorumSet = { threshold, validators: nodes, innerSets: [] }
  return {
    kind: 'flat',
    description: `flat ${threshold} of ${n}`,
    nodes,
    qsets: new Map(nodes.map((id) => [id, q])),
  }
}

export function tiered(orgs: number, perOrg = 3, topThreshold = bftThreshold(orgs)): Topology {
  const groups = Array.from({ length: orgs }, (_, o) =>
    Array.from({ length: perOrg }, (_, i) => `o${pad(o)}-${i}`),
  )
  const q: QuorumSet = {
    threshold: topThreshold,
    validators: [],
    innerSets: groups.map((g) => ({ threshold: majority(perOrg), validators: g, innerSets: [] })),
  }
  const nodes = groups.flat()
  return {
    kind: 'tiered',
    description: `tiered ${orgs} orgs × ${perOrg} (org majority, ${topThreshold} of ${orgs} orgs)`,
    nodes,
    qsets: new Map(nodes.map((id) => [id, q])),
  }
}

/**
 * `core` validators listed directly, `groups` groups of `perGroup` (majority), and in the last group
 * a sub-group of `sub` validators (majority) as one more entry.
 */
export function nested(core: number, groups: number, perGroup: number, sub: number): Topology {
  const coreIds = Array.from({ length: core }, (_, i) => `c${pad(i)}`)
  const groupIds = Array.from({ length: groups }, (_, g) =>
    Array.from({ length: perGroup }, (_, i) => `g${g}-${i}`),
  )
  const subIds = Array.from({ length: sub }, (_, i) => `s-${i}`)
  const innerSets: QuorumSet[] = groupIds.map((ids, g) => {
    const entries = ids.length + (g === groups - 1 && sub > 0 ? 1 : 0)
    return {
      threshold: bftThreshold(entries),
      validators: ids,
      innerSets:
        g === groups - 1 && sub > 0 ? [{ threshold: majority(sub), validators: subIds, innerSets: [] }] : [],
    }
  })
  const q: QuorumSet = { threshold: bftThreshold(core + groups), validators: coreIds, innerSets }
  const nodes = [...coreIds, ...groupIds.flat(), ...subIds]
  return {
    kind: 'nested',
    description: `nested ${core} core + ${groups} groups of ${perGroup}, sub-group of ${sub}`,
    nodes,
    qsets: new Map(nodes.map((id) => [id, q])),
  }
}
