/**
 * The SCP data model and the driver interface (issue 3, required exactly): what a node gives the
 * consensus core and what the core asks of it. Mirrors stellar-core's `SCPDriver.h` and
 * `Stellar-SCP.x`; see docs/scp.md.
 */

/** Opaque to SCP; ordered by plain string comparison; never parsed. */
export type NodeId = string
/** Opaque; ordered as unsigned bytes, lexicographically. */
export type Value = Uint8Array
/** 32 bytes. */
export type Hash = Uint8Array

export interface QuorumSet {
  threshold: number
  validators: NodeId[]
  innerSets: QuorumSet[]
}

export interface Ballot {
  counter: number
  value: Value
}

export type Pledges =
  | { type: 'nominate'; quorumSetHash: Hash; votes: Value[]; accepted: Value[] }
  | {
      type: 'prepare'
      quorumSetHash: Hash
      ballot: Ballot
      prepared?: Ballot
      preparedPrime?: Ballot
      nC: number
      nH: number
    }
  | { type: 'confirm'; quorumSetHash: Hash; ballot: Ballot; nPrepared: number; nCommit: number; nH: number }
  | { type: 'externalize'; commitQuorumSetHash: Hash; commit: Ballot; nH: number }

export interface Statement {
  nodeId: NodeId
  slotIndex: bigint
  pledges: Pledges
}

export interface Envelope {
  statement: Statement
  signature: Uint8Array
}

/** maybeValid: valid, but not for the current ledger. */
export type ValidationLevel = 'invalid' | 'maybeValid' | 'fullyValidated'
export type TimerId = 'nomination' | 'ballot'

export interface ScpDriver {
  /** Sets envelope.signature. */
  signEnvelope(envelope: Envelope): void
  getQuorumSet(hash: Hash): QuorumSet | undefined
  validateValue(slotIndex: bigint, value: Value, nomination: boolean): ValidationLevel
  extractValidValue(slotIndex: bigint, value: Value): Value | undefined
  combineCandidates(slotIndex: bigint, candidates: Value[]): Value | undefined
  emitEnvelope(envelope: Envelope): void
  /** At most once per slot. */
  valueExternalized(slotIndex: bigint, value: Value): void
  /** uint64 */
  computeHashNode(
    slotIndex: bigint,
    previousValue: Value,
    isPriority: boolean,
    round: number,
    nodeId: NodeId,
  ): bigint
  /** uint64 */
  computeValueHash(slotIndex: bigint, previousValue: Value, round: number, value: Value): bigint
  /** Milliseconds. */
  computeTimeout(round: number, isNomination: boolean): number
  /** A null callback cancels the timer. */
  setupTimer(slotIndex: bigint, timerId: TimerId, timeoutMs: number, callback: (() => void) | null): void
  stopTimer(slotIndex: bigint, timerId: TimerId): void
  // optional notifications
  nominatingValue?(slotIndex: bigint, value: Value): void
  updatedCandidateValue?(slotIndex: bigint, value: Value): void
  startedBallotProtocol?(slotIndex: bigint, ballot: Ballot): void
  acceptedBallotPrepared?(slotIndex: bigint, ballot: Ballot): void
  confirmedBallotPrepared?(slotIndex: bigint, ballot: Ballot): void
  acceptedCommit?(slotIndex: bigint, ballot: Ballot): void
  ballotDidHearFromQuorum?(slotIndex: bigint, ballot: Ballot): void
}

/**
 * An optional extension of the driver (not part of the required interface): a driver object that
 * also has `getNodeWeight` overrides the default leader-election weight, as stellar-core's
 * `HerderSCPDriver::getNodeWeight` does. Without it SCP uses {@link getNodeWeight} from weights.ts.
 */
export interface ScpDriverNodeWeight {
  /** Weight of `nodeId` in `qset`, 0..2^64-1; `isLocalNode` is true for the local node. */
  getNodeWeight(nodeId: NodeId, qset: QuorumSet, isLocalNode: boolean): bigint
}

/** Ballot counters are uint32; this value stands for ∞ (stellar-core's UINT32_MAX). */
export const BALLOT_COUNTER_INFINITY = 0xffffffff
/** uint64 max, the weight of a node that is in every slice (stellar-core's UINT64_MAX). */
export const UINT64_MAX = 0xffffffffffffffffn
