/**
 * Verification results. Peer input (proof bytes, evidence) is judged by a result carrying a named
 * reason, never by a throw: a validator logs or penalises the reason and carries on. The reason lists
 * are part of the wire format (fault evidence names one), so entries are only ever appended.
 */

export const SEAL_REJECTIONS = [
  /** The bytes do not decode (truncated, oversized, wrong shape, non-canonical). */
  'malformedProof',
  /** The proof is for another parameter set (PoRep id). */
  'wrongParams',
  /** The proof names another miner than the one submitting it. */
  'wrongMiner',
  /** Sector number differs from the pre-commitment. */
  'wrongSector',
  /** replicaId is not H(porepId, miner, sector, ticket, commD): e.g. a replica sealed for another miner. */
  'replicaIdMismatch',
  /** Ticket or its height differs from the finalized ledger hash the pre-commitment names. */
  'wrongTicket',
  /** The ticket was older than the lookback when the sector was pre-committed. */
  'ticketExpired',
  /** A sector with this replica id (same miner, sector number, ticket, data) was already proven. */
  'ticketReused',
  /** The seed is not the ledger hash at preCommitHeight + seedDelay, or that height is not final. */
  'wrongSeed',
  /** The challenged nodes are not the ones derived from (replicaId, seed). */
  'wrongChallengeSet',
  /** commD/commR differ from the pre-commitment, or commR ≠ H(commC ‖ commRLast). */
  'wrongCommitment',
  /** A Merkle path does not lead to its root (TreeD, TreeR or TreeC). */
  'wrongOpening',
  /** A label is not the hash of its parents' labels. */
  'wrongLabel',
  /** The replica node is not data ⊕ key. */
  'wrongEncoding',
] as const
export type SealRejection = (typeof SEAL_REJECTIONS)[number]

export const POST_REJECTIONS = [
  'malformedProof',
  'wrongParams',
  /** The proof names another prover than its submitter. */
  'wrongProver',
  /** The proof is for another window, or its check-in is not in the window. */
  'wrongWindow',
  /** Included after checkInHeight + 1 + Δ, or after the window closed. */
  'lateProof',
  /** The beacon is not the ledger hash at checkInHeight + 1. */
  'wrongSeed',
  /** prevDigest is not the digest of the prover's previous accepted proof. */
  'wrongPrevDigest',
  /** The sector set differs from the prover's active sectors. */
  'wrongSectorSet',
  /** Not exactly the required number of rounds, or of sector commitments. */
  'wrongChallengeCount',
  /** H(commC ‖ commRLast) ≠ the sector's commR. */
  'wrongCommitment',
  /** A TreeR opening does not lead to commRLast. */
  'wrongOpening',
] as const
export type PoStRejection = (typeof POST_REJECTIONS)[number]

export type VerifyResult<R extends string> =
  | { readonly ok: true }
  | {
      readonly ok: false
      readonly reason: R
      /** Human-readable detail for logs. */
      readonly detail: string
      /** The challenge (seal) or round (PoSt) at fault, when there is one. */
      readonly at?: number
      /** Which tree an opening failed in. */
      readonly tree?: 'D' | 'C' | 'R'
    }

export type SealVerifyResult = VerifyResult<SealRejection>
export type PoStVerifyResult = VerifyResult<PoStRejection>

export const OK = Object.freeze({ ok: true as const })

export function reject<R extends string>(
  reason: R,
  detail: string,
  extra: { at?: number; tree?: 'D' | 'C' | 'R' } = {},
): VerifyResult<R> {
  return { ok: false, reason, detail, ...extra }
}
