/**
 * Node weights for nomination leader election: stellar-core's default `SCPDriver::getNodeWeight`
 * (SCPDriver.cpp). The weight is the fraction of the local node's slices that contain a node, scaled
 * to 0..2^64−1 (paper §6.2 "weight(v)"; draft-05 §3.4 "neighbors").
 */
import { type NodeId, type QuorumSet, UINT64_MAX } from './types.js'

/** stellar-core `computeWeight`: ceil(m · threshold / total), exact in bigint. */
function computeWeight(m: bigint, total: bigint, threshold: bigint): bigint {
  if (threshold > total) {
    throw new RangeError(`computeWeight: expected threshold ≤ total, got ${threshold} > ${total}`)
  }
  return (m * threshold + total - 1n) / total
}

/**
 * stellar-core's default weight: the local node → 2^64−1; a validator at the top level of `qset` →
 * ceil((2^64−1) · t / n); a node found in an inner set → ceil(innerWeight · t / n), recursively, from
 * its first occurrence; a node not in `qset` → 0. Example: in `{t: 3, 4 validators}` each validator
 * weighs 0.75; in `{t: 1, [v4, v5]}` nested in `{t: 3, 4 validators + 1 inner set}` v4 weighs 0.6 × 0.5.
 */
export function getNodeWeight(nodeId: NodeId, qset: QuorumSet, isLocalNode: boolean): bigint {
  if (isLocalNode) return UINT64_MAX // the local node is in all of its slices
  const n = BigInt(qset.threshold)
  const d = BigInt(qset.innerSets.length + qset.validators.length)
  for (const v of qset.validators) {
    if (v === nodeId) return computeWeight(UINT64_MAX, d, n)
  }
  for (const inner of qset.innerSets) {
    const leaf = getNodeWeight(nodeId, inner, false)
    if (leaf > 0n) return computeWeight(leaf, d, n)
  }
  return 0n
}

/**
 * stellar-core's `HerderSCPDriver::computeTimeout` before protocol 23 (and CAP-0070's initial network
 * settings): 1 s, plus 1 s per round after the first, capped at 30 minutes.
 */
export function defaultComputeTimeout(round: number, initialMs = 1000, incrementMs = 1000): number {
  if (!Number.isInteger(round) || round < 1) {
    throw new RangeError(`computeTimeout: expected a round ≥ 1, got ${round}`)
  }
  return Math.min(initialMs + (round - 1) * incrementMs, MAX_TIMEOUT_MS)
}

/** stellar-core `HerderSCPDriver::MAX_TIMEOUT_MS`: 30 minutes. */
export const MAX_TIMEOUT_MS = 30 * 60 * 1000
