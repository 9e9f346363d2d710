/**
 * The local node: its id, whether it is a validator, and its quorum set, normalised once at
 * construction with the hash taken over the normalised form (stellar-core `LocalNode::LocalNode`).
 */
import { quorumSetHash } from './codec.js'
import { normalizeQuorumSet } from './quorum.js'
import type { Hash, NodeId, QuorumSet } from './types.js'

export class LocalNode {
  readonly quorumSet: QuorumSet
  readonly quorumSetHash: Hash
  /** The normalised quorum set without the local node: the leader-election input. */
  readonly quorumSetWithoutSelf: QuorumSet

  constructor(
    readonly nodeId: NodeId,
    readonly isValidator: boolean,
    quorumSet: QuorumSet,
  ) {
    this.quorumSet = normalizeQuorumSet(quorumSet)
    this.quorumSetHash = quorumSetHash(this.quorumSet)
    this.quorumSetWithoutSelf = normalizeQuorumSet(this.quorumSet, nodeId)
  }
}
