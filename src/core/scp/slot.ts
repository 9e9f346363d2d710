/**
 * One slot (one ledger): its nomination and ballot protocols, the federated-voting helpers they
 * share, and the slot-level flags (fully validated, heard from a v-blocking set). A port of
 * stellar-core `src/scp/Slot.cpp`.
 */
import { BallotProtocol } from './ballot.js'
import type { Known, Latest } from './latest.js'
import type { LocalNode } from './local-node.js'
import { NominationProtocol } from './nomination.js'
import { blockingIn, type CompiledQuorumSet, forAllNodes, isBlockingFor, sliceIn } from './quorum.js'
import type {
  Envelope,
  NodeId,
  Pledges,
  QuorumSet,
  ScpDriver,
  Statement,
  ValidationLevel,
  Value,
} from './types.js'

/** What a slot needs from its owner (the `Scp` instance). */
export interface SlotHost {
  readonly driver: ScpDriver
  readonly localNode: LocalNode
  /** The quorum set a statement refers to (the singleton {sender} for EXTERNALIZE). */
  quorumSetFromStatement(st: Statement): QuorumSet | undefined
  /** `isQuorumSetSane(q, false)`, cached per set. */
  isSane(q: QuorumSet): boolean
  /** Leader-election weight (driver override or stellar-core's default). */
  nodeWeight(nodeId: NodeId, qset: QuorumSet, isLocal: boolean): bigint
  /** Is this slot object still the one the host keeps (not purged)? Timer callbacks check it. */
  isLive(slot: Slot): boolean
  /** The node's index in the host's node table. */
  nodeIndex(id: NodeId): number
  /** Size of the node table (bound of every index). */
  nodeCount(): number
  /** The local quorum set, compiled. */
  readonly localCompiled: CompiledQuorumSet
  /** The statement's quorum set, compiled (cached per quorum set). */
  compiledFromStatement(st: Statement): CompiledQuorumSet | undefined
}

export class Slot {
  readonly ballot: BallotProtocol
  readonly nomination: NominationProtocol
  private fullyValidated: boolean
  private gotVBlocking = false

  constructor(
    readonly index: bigint,
    private readonly host: SlotHost,
  ) {
    this.ballot = new BallotProtocol(this)
    this.nomination = new NominationProtocol(this)
    // a non-validator never emits (notes §1.10 item 2)
    this.fullyValidated = host.localNode.isValidator
  }

  get driver(): ScpDriver {
    return this.host.driver
  }

  get localNode(): LocalNode {
    return this.host.localNode
  }

  isLive(): boolean {
    return this.host.isLive(this)
  }

  isSane(q: QuorumSet): boolean {
    return this.host.isSane(q)
  }

  nodeWeight(nodeId: NodeId, qset: QuorumSet, isLocal: boolean): bigint {
    return this.host.nodeWeight(nodeId, qset, isLocal)
  }

  nodeIndex(id: NodeId): number {
    return this.host.nodeIndex(id)
  }

  validateValue(v: Value, nomination: boolean): ValidationLevel {
    return this.host.driver.validateValue(this.index, v, nomination)
  }

  isFullyValidated(): boolean {
    return this.fullyValidated
  }

  setFullyValidated(v: boolean): void {
    this.fullyValidated = v
  }

  hasGotVBlocking(): boolean {
    return this.gotVBlocking
  }

  getLatestCompositeCandidate(): Value | undefined {
    return this.nomination.getLatestCompositeCandidate()
  }

  /** The envelopes this slot last emitted (NOMINATE, then ballot), only if fully validated. */
  getLatestMessagesSend(): Envelope[] {
    if (!this.fullyValidated) return []
    const res: Envelope[] = []
    const n = this.nomination.getLastMessageSend()
    if (n) res.push(n)
    const b = this.ballot.getLastMessageSend()
    if (b) res.push(b)
    return res
  }

  /** Restore own state from one of our own envelopes for this slot; others are ignored (as in stellar-core). */
  setStateFromEnvelope(envelope: Envelope): void {
    const st = envelope.statement
    if (st.nodeId !== this.localNode.nodeId || st.slotIndex !== this.index) return
    const prev = this.getLatestMessage(st.nodeId) !== undefined
    if (st.pledges.type === 'nominate') this.nomination.setStateFromEnvelope(envelope)
    else this.ballot.setStateFromEnvelope(envelope)
    if (!prev) this.maybeSetGotVBlocking()
  }

  /** Latest envelopes, NOMINATE first then ballot statements; `f` returns false to stop. */
  processCurrentState(f: (e: Envelope) => boolean, forceSelf: boolean): void {
    if (this.nomination.processCurrentState(f, forceSelf)) this.ballot.processCurrentState(f, forceSelf)
  }

  /** The latest statement from a node: its ballot statement if any, else its NOMINATE. */
  getLatestMessage(nodeId: NodeId): Envelope | undefined {
    return this.ballot.getLatestMessage(nodeId) ?? this.nomination.getLatestMessage(nodeId)
  }

  /** `Slot::processEnvelope`: dispatch to nomination or ballot protocol; `self` for our own statements. */
  processEnvelope(envelope: Envelope, self: boolean): 'valid' | 'invalid' {
    const st = envelope.statement
    const prev = this.getLatestMessage(st.nodeId) !== undefined
    const res =
      st.pledges.type === 'nominate'
        ? this.nomination.processEnvelope(envelope)
        : this.ballot.processEnvelope(envelope, self)
    if (!prev && res === 'valid') this.maybeSetGotVBlocking()
    return res
  }

  abandonBallot(): boolean {
    return this.ballot.abandonBallot(0)
  }

  bumpState(value: Value, force: boolean): boolean {
    return this.ballot.bumpState(value, force)
  }

  nominate(value: Value, previousValue: Value, timedOut: boolean): boolean {
    return this.nomination.nominate(value, previousValue, timedOut)
  }

  stopNomination(): void {
    this.nomination.stopNomination()
  }

  getNominationLeaders(): Set<NodeId> {
    return this.nomination.getLeaders()
  }

  /** Wrap our statement in a signed envelope (`Slot::createEnvelope`). */
  createEnvelope(pledges: Pledges): Envelope {
    const envelope: Envelope = {
      statement: { nodeId: this.localNode.nodeId, slotIndex: this.index, pledges },
      signature: new Uint8Array(0),
    }
    this.host.driver.signEnvelope(envelope)
    return envelope
  }

  getQuorumSetFromStatement(st: Statement): QuorumSet | undefined {
    return this.host.quorumSetFromStatement(st)
  }

  private mark = new Uint8Array(64)

  /** A zeroed membership array large enough for every node index. */
  private scratch(): Uint8Array {
    const n = this.host.nodeCount()
    if (this.mark.length < n) this.mark = new Uint8Array(Math.max(n, this.mark.length * 2))
    else this.mark.fill(0)
    return this.mark
  }

  private qsetOf(k: Known): CompiledQuorumSet | undefined {
    if (k.qset === undefined) k.qset = this.host.compiledFromStatement(k.envelope.statement)
    return k.qset
  }

  /**
   * `LocalNode::isQuorum` on the marked nodes (`members` are the marked records): drop the nodes
   * whose own slices the set does not satisfy, to the fixpoint, then test the local set. The
   * fixpoint is the greatest quorum inside the set, whatever the removal order; slices are
   * monotone, so an unsatisfied local set can be answered early.
   */
  private quorumAmongMarked(members: Known[], mark: Uint8Array): boolean {
    const local = this.host.localCompiled
    if (!sliceIn(local, mark)) return false
    const remove: number[] = []
    for (;;) {
      // one pass against the set as it stands (as stellar-core does), so nodes sharing a quorum set
      // (the usual case: the same object) are answered by one evaluation
      let lastQ: CompiledQuorumSet | undefined
      let lastOk = false
      for (const k of members) {
        if (mark[k.index] !== 1) continue
        const q = this.qsetOf(k)
        let ok: boolean
        if (q === undefined) ok = false
        else if (q === lastQ) ok = lastOk
        else {
          ok = sliceIn(q, mark)
          lastQ = q
          lastOk = ok
        }
        if (!ok) remove.push(k.index)
      }
      if (remove.length === 0) return true
      for (const i of remove) mark[i] = 0
      remove.length = 0
      if (!sliceIn(local, mark)) return false
    }
  }

  /** Do the nodes whose latest statement passes `filter` form a quorum (with their own slices) for us? */
  isQuorumWhere(latest: Latest, filter: (st: Statement) => boolean): boolean {
    const mark = this.scratch()
    const members: Known[] = []
    for (const k of latest.records.values()) {
      if (filter(k.envelope.statement)) {
        mark[k.index] = 1
        members.push(k)
      }
    }
    return this.quorumAmongMarked(members, mark)
  }

  /** Are the nodes whose latest statement passes `filter` v-blocking for us? */
  isVBlockingWhere(latest: Latest, filter: (st: Statement) => boolean): boolean {
    const mark = this.scratch()
    for (const k of latest.records.values()) if (filter(k.envelope.statement)) mark[k.index] = 1
    return blockingIn(this.host.localCompiled, mark)
  }

  /**
   * `Slot::federatedAccept` (paper §5.3; draft-05 §3.1): accept if the nodes that accepted are
   * v-blocking, or the nodes that voted or accepted form a quorum.
   */
  federatedAccept(
    voted: (st: Statement) => boolean,
    accepted: (st: Statement) => boolean,
    latest: Latest,
  ): boolean {
    const mark = this.scratch()
    const members: Known[] = []
    const rest: Known[] = []
    for (const k of latest.records.values()) {
      if (accepted(k.envelope.statement)) {
        mark[k.index] = 1
        members.push(k)
      } else rest.push(k)
    }
    if (blockingIn(this.host.localCompiled, mark)) return true
    for (const k of rest) {
      if (voted(k.envelope.statement)) {
        mark[k.index] = 1
        members.push(k)
      }
    }
    return this.quorumAmongMarked(members, mark)
  }

  /** `Slot::federatedRatify`: the nodes that voted form a quorum. */
  federatedRatify(voted: (st: Statement) => boolean, latest: Latest): boolean {
    return this.isQuorumWhere(latest, voted)
  }

  /** Remember when we first heard from a v-blocking set of our quorum set for this slot. */
  private maybeSetGotVBlocking(): void {
    if (this.gotVBlocking) return
    const q = this.localNode.quorumSet
    const heard = new Set<NodeId>()
    forAllNodes(q, (id) => {
      if (this.getLatestMessage(id) !== undefined) heard.add(id)
      return true
    })
    this.gotVBlocking = isBlockingFor(q, heard)
  }
}
