/**
 * Latest statement per node (stellar-core's `M` / `N` maps), with what the quorum computations need
 * kept next to it: the node's small integer index and its compiled quorum set. Federated voting
 * evaluates quorums over these records many times per message, so they are resolved once.
 */
import type { CompiledQuorumSet } from './quorum.js'
import type { Envelope, NodeId } from './types.js'

export interface Known {
  readonly id: NodeId
  /** Index of the node in the owning Scp's node table (for membership arrays). */
  readonly index: number
  readonly envelope: Envelope
  /** The compiled quorum set of the statement, once resolved. */
  qset: CompiledQuorumSet | undefined
}

export class Latest {
  readonly records = new Map<NodeId, Known>()
  /** Bumped on every change: memo key for derived data. */
  version = 0

  constructor(private readonly indexOf: (id: NodeId) => number) {}

  get(id: NodeId): Envelope | undefined {
    return this.records.get(id)?.envelope
  }

  set(envelope: Envelope): void {
    const id = envelope.statement.nodeId
    this.records.set(id, { id, index: this.indexOf(id), envelope, qset: undefined })
    this.version++
  }

  get size(): number {
    return this.records.size
  }
}
