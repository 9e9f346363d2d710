/**
 * The Stellar Consensus Protocol core (issue 3): stellar-core's SCP library behind a driver, its wire
 * codec, quorum-set utilities and a quorum-intersection checker. See docs/scp.md.
 *
 * @example
 * const scp = new Scp(driver, 'v0', true, { threshold: 2, validators: ['v0', 'v1', 'v2'], innerSets: [] })
 * scp.nominate(1n, value, previousValue)
 * scp.receiveEnvelope(envelopeFromPeer) // 'valid' | 'invalid'
 */
export {
  areBallotsCompatible,
  areBallotsLessAndCompatible,
  areBallotsLessAndIncompatible,
  type BallotPhase,
  type BallotState,
  compareBallots,
  isNewerBallotStatement,
  MAX_ADVANCE_SLOT_RECURSION,
  statementsEqual,
  workingBallot,
} from './ballot.js'
export {
  defaultComputeHashNode,
  defaultComputeValueHash,
  EnvelopeMessage,
  encodeEnvelope,
  encodeQuorumSet,
  encodeStatement,
  HASH_K,
  HASH_N,
  HASH_P,
  MAX_ENVELOPE_BYTES,
  MAX_NODE_ID_BYTES,
  MAX_NOMINATION_VALUES,
  MAX_QUORUM_SET_BYTES,
  MAX_SIGNATURE_BYTES,
  MAX_STATEMENT_BYTES,
  MAX_VALUE_BYTES,
  QuorumSetMessage,
  quorumSetHash,
  StatementMessage,
  statementSignatureBase,
  statementSigningBody,
} from './codec.js'
export {
  checkQuorumIntersection,
  type IntersectionOptions,
  type IntersectionResult,
} from './intersection.js'
export { isNewerNomination, isSaneNomination, type NominationState } from './nomination.js'
export {
  allNodes,
  compareQuorumSets,
  equalQuorumSets,
  findClosestVBlocking,
  forAllNodes,
  isQuorumSetSane,
  isQuorumSlice,
  isVBlocking,
  MAXIMUM_QUORUM_NESTING_LEVEL,
  MAXIMUM_QUORUM_SET_VALIDATORS,
  normalizeQuorumSet,
  type SanityResult,
  singletonQuorumSet,
} from './quorum.js'
export { Scp, type SlotState } from './scp.js'
export {
  BALLOT_COUNTER_INFINITY,
  type Ballot,
  type Envelope,
  type Hash,
  type NodeId,
  type Pledges,
  type QuorumSet,
  type ScpDriver,
  type ScpDriverNodeWeight,
  type Statement,
  type TimerId,
  UINT64_MAX,
  type ValidationLevel,
  type Value,
} from './types.js'
export { defaultComputeTimeout, getNodeWeight, MAX_TIMEOUT_MS } from './weights.js'
