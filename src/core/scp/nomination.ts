/**
 * The nomination protocol of one slot (paper §6.2–6.3; draft-05 §3.4): vote for values from round
 * leaders, accept by federated voting, confirm candidates, combine them into the composite value
 * that starts the ballot protocol. A port of stellar-core `src/scp/NominationProtocol.cpp`: the
 * same X (votes), Y (accepted), Z (candidates), N (latest NOMINATE per node), leader election with
 * accumulating leaders and "fast timeouts", and the same emission gate.
 */
import { compareBytes } from '../codec/bytes.js'
import { MAX_NOMINATION_VALUES } from './codec.js'
import { Latest } from './latest.js'
import { forAllNodes } from './quorum.js'
import type { Slot } from './slot.js'
import type { Envelope, NodeId, Pledges, QuorumSet, Statement, Value } from './types.js'

type Nomination = Extract<Pledges, { type: 'nominate' }>

/** stellar-core caps the leader search so a broken weight function cannot loop forever. */
const MAX_LEADER_ITERATIONS = 1000

// ---- sorted value sets (stellar-core's std::set<Value>, ordered as unsigned bytes) ----

/** Index of `v` in the sorted list, or −(insertion point) − 1. */
function search(list: readonly Value[], v: Value): number {
  let lo = 0
  let hi = list.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const c = compareBytes(list[mid]!, v)
    if (c === 0) return mid
    if (c < 0) lo = mid + 1
    else hi = mid - 1
  }
  return -lo - 1
}

/** Is `v` in the sorted list `list`? */
export function hasValue(list: readonly Value[], v: Value): boolean {
  return search(list, v) >= 0
}

/** Insert `v` into the sorted list; false if it was already there. */
function insertValue(list: Value[], v: Value): boolean {
  const i = search(list, v)
  if (i >= 0) return false
  list.splice(-i - 1, 0, v)
  return true
}

/** `std::includes` on sorted lists: is every element of `sub` in `sup`? */
function includesAll(sup: readonly Value[], sub: readonly Value[]): boolean {
  let i = 0
  for (const v of sub) {
    while (i < sup.length && compareBytes(sup[i]!, v) < 0) i++
    if (i >= sup.length || compareBytes(sup[i]!, v) !== 0) return false
    i++
  }
  return true
}

/** `isSubsetHelper`: [subset?, grew?]. */
function subset(p: readonly Value[], v: readonly Value[]): [boolean, boolean] {
  if (p.length > v.length) return [false, true]
  const res = includesAll(v, p)
  return [res, res ? p.length !== v.length : true]
}

/**
 * `NominationProtocol::isNewerStatement`: the new NOMINATE supersedes the old one iff both old lists
 * are subsets of the new ones and at least one of them grew (notes §2.4).
 */
export function isNewerNomination(oldSt: Nomination, st: Nomination): boolean {
  const [votesSub, votesGrew] = subset(oldSt.votes, st.votes)
  if (!votesSub) return false
  const [accSub, accGrew] = subset(oldSt.accepted, st.accepted)
  if (!accSub) return false
  return votesGrew || accGrew
}

function strictlyIncreasing(list: readonly Value[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareBytes(list[i - 1]!, list[i]!) >= 0) return false
  return true
}

/** `NominationProtocol::isSane`: something is voted or accepted, and both lists are strictly increasing. */
export function isSaneNomination(nom: Nomination): boolean {
  return (
    nom.votes.length + nom.accepted.length !== 0 &&
    strictlyIncreasing(nom.votes) &&
    strictlyIncreasing(nom.accepted)
  )
}

const nominationOf = (st: Statement): Nomination => {
  if (st.pledges.type !== 'nominate') {
    throw new Error(`nomination: expected a NOMINATE statement, got ${st.pledges.type}`)
  }
  return st.pledges
}

/** A read-only view of the nomination state, for reports and tests. */
export interface NominationState {
  started: boolean
  round: number
  votes: Value[]
  accepted: Value[]
  candidates: Value[]
  leaders: NodeId[]
  latestCompositeCandidate?: Value
  timerExpirations: number
}

export class NominationProtocol {
  private roundNumber = 0
  private readonly votes: Value[] = [] // X
  private readonly accepted: Value[] = [] // Y
  private readonly candidates: Value[] = [] // Z
  /** N: latest NOMINATE per node. */
  readonly latest: Latest
  /** Last envelope emitted by this node (or restored). */
  private lastEnvelope: Envelope | undefined
  /** Nodes with the highest priority so far; they accumulate across rounds. */
  private readonly roundLeaders = new Set<NodeId>()
  private started = false
  private latestCompositeCandidate: Value | undefined
  private previousValue: Value = new Uint8Array(0)
  private timerExpCount = 0

  constructor(private readonly slot: Slot) {
    this.latest = new Latest((id) => slot.nodeIndex(id))
  }

  private isNewerFrom(nodeId: NodeId, nom: Nomination): boolean {
    const old = this.latest.get(nodeId)
    return old === undefined || isNewerNomination(nominationOf(old.statement), nom)
  }

  private recordEnvelope(envelope: Envelope): void {
    this.latest.set(envelope)
  }

  /** Validation for nomination: only fully validated values are voted for or accepted as is. */
  private isFullyValid(v: Value): boolean {
    return this.slot.validateValue(v, true) === 'fullyValidated'
  }

  private extractValidValue(v: Value): Value | undefined {
    return this.slot.driver.extractValidValue(this.slot.index, v)
  }

  /** Watt's cap on list sizes (codec MAX_NOMINATION_VALUES); stellar-core has none. */
  private roomForVote(v: Value): boolean {
    return this.votes.length < MAX_NOMINATION_VALUES || hasValue(this.votes, v)
  }

  /**
   * `NominationProtocol::processEnvelope`: record a newer, sane NOMINATE (even before nomination
   * started); once started, accept values by federated voting (adding them to X as well: accepted ⊆
   * votes, notes §1.10 item 6), confirm candidates by federated ratification (stopping the
   * nomination timer), echo a round leader's best value while there is no candidate, emit if X or Y
   * changed, and on new candidates combine them and bump the ballot protocol.
   */
  processEnvelope(envelope: Envelope): 'valid' | 'invalid' {
    const st = envelope.statement
    const nom = nominationOf(st)
    if (!this.isNewerFrom(st.nodeId, nom)) return 'invalid'
    if (!isSaneNomination(nom)) return 'invalid'
    this.recordEnvelope(envelope)
    if (!this.started) return 'valid' // a node does not vote on slots it has not started
    let modified = false
    let newCandidates = false
    // promote votes to accepted
    for (const v of nom.votes) {
      if (hasValue(this.accepted, v)) continue
      const accepted = this.slot.federatedAccept(
        (s) => hasValue(nominationOf(s).votes, v),
        (s) => hasValue(nominationOf(s).accepted, v),
        this.latest,
      )
      if (!accepted) continue
      if (this.isFullyValid(v)) {
        if (this.accepted.length < MAX_NOMINATION_VALUES && this.roomForVote(v)) {
          insertValue(this.accepted, v)
          insertValue(this.votes, v)
          modified = true
        }
      } else {
        // the value made it pretty far: vote for a variant we consider valid
        const toVote = this.extractValidValue(v)
        if (toVote !== undefined && this.roomForVote(toVote) && insertValue(this.votes, toVote))
          modified = true
      }
    }
    // promote accepted values to candidates
    for (const a of this.accepted) {
      if (hasValue(this.candidates, a)) continue
      if (this.slot.federatedRatify((s) => hasValue(nominationOf(s).accepted, a), this.latest)) {
        insertValue(this.candidates, a)
        newCandidates = true
        // "As soon as v has a candidate value, it must cease voting to nominate x for any new x"
        this.slot.driver.stopTimer(this.slot.index, 'nomination')
      }
    }
    // echo a round leader only while we are still looking for candidates
    if (this.candidates.length === 0 && this.roundLeaders.has(st.nodeId)) {
      const newVote = this.getNewValueFromNomination(nom)
      if (newVote !== undefined) {
        insertValue(this.votes, newVote)
        modified = true
        this.slot.driver.nominatingValue?.(this.slot.index, newVote)
      }
    }
    if (modified) this.emitNomination()
    if (newCandidates) {
      const composite = this.slot.driver.combineCandidates(this.slot.index, [...this.candidates])
      // A driver that cannot combine leaves the previous composite (stellar-core requires a value).
      if (composite !== undefined) {
        this.latestCompositeCandidate = composite
        this.slot.driver.updatedCandidateValue?.(this.slot.index, composite)
        this.slot.bumpState(composite, false)
      }
    }
    return 'valid'
  }

  /**
   * `getNewValueFromNomination`: the leader's accepted values first, its votes only if none of those
   * is usable; a value is usable if fully valid or if `extractValidValue` maps it to one; among
   * usable values not yet voted, the one with the highest value hash (ties: the later one).
   */
  private getNewValueFromNomination(nom: Nomination): Value | undefined {
    let newVote: Value | undefined
    let newHash = 0n
    let foundValid = false
    const pick = (value: Value): void => {
      const toNominate = this.isFullyValid(value) ? value : this.extractValidValue(value)
      if (toNominate === undefined) return
      foundValid = true
      if (hasValue(this.votes, toNominate) || !this.roomForVote(toNominate)) return
      const h = this.hashValue(toNominate)
      if (h >= newHash) {
        newHash = h
        newVote = toNominate
      }
    }
    for (const v of nom.accepted) pick(v)
    if (!foundValid) for (const v of nom.votes) pick(v)
    return newVote
  }

  /** Build our NOMINATE, process it ourselves, emit it if newer and the slot is fully validated. */
  private emitNomination(): void {
    const pledges: Nomination = {
      type: 'nominate',
      quorumSetHash: this.slot.localNode.quorumSetHash,
      votes: [...this.votes],
      accepted: [...this.accepted],
    }
    const envelope = this.slot.createEnvelope(pledges)
    if (this.slot.processEnvelope(envelope, true) !== 'valid') {
      throw new Error('emitNomination: expected our own NOMINATE to be valid, got invalid')
    }
    if (!this.lastEnvelope || isNewerNomination(nominationOf(this.lastEnvelope.statement), pledges)) {
      this.lastEnvelope = envelope
      if (this.slot.isFullyValidated()) this.slot.driver.emitEnvelope(envelope)
    }
  }

  private weight(nodeId: NodeId, qset: QuorumSet, isLocal: boolean): bigint {
    return this.slot.nodeWeight(nodeId, qset, isLocal)
  }

  /** Gi(N or P, previous value, round, node), from the driver. */
  private hashNode(isPriority: boolean, nodeId: NodeId): bigint {
    return this.slot.driver.computeHashNode(
      this.slot.index,
      this.previousValue,
      isPriority,
      this.roundNumber,
      nodeId,
    )
  }

  /** Gi(K, previous value, round, value), from the driver. */
  private hashValue(value: Value): bigint {
    return this.slot.driver.computeValueHash(this.slot.index, this.previousValue, this.roundNumber, value)
  }

  /** `getNodePriority`: hashP(v) if w(v) > 0 and hashN(v) ≤ w(v), else 0. */
  private getNodePriority(nodeId: NodeId, qset: QuorumSet): bigint {
    const w = this.weight(nodeId, qset, nodeId === this.slot.localNode.nodeId)
    if (w > 0n && this.hashNode(false, nodeId) <= w) return this.hashNode(true, nodeId)
    return 0n
  }

  /**
   * `updateRoundLeaders`: on the normalised local qset without self, add the highest-priority
   * node(s) (self included with its own priority; ties kept) to the leaders. If nobody has priority,
   * or nobody new would be added, skip the round ("fast timeout") and retry, until every node with
   * non-zero weight is a leader.
   */
  private updateRoundLeaders(): void {
    const q = this.slot.localNode.quorumSetWithoutSelf
    const localId = this.slot.localNode.nodeId
    // only nodes with non-zero weight can ever lead
    let maxLeaderCount = this.weight(localId, q, true) > 0n ? 1 : 0
    forAllNodes(q, (cur) => {
      if (this.weight(cur, q, false) > 0n) maxLeaderCount++
      return true
    })
    let iterationsRemaining = MAX_LEADER_ITERATIONS
    while (this.roundLeaders.size < maxLeaderCount) {
      const newLeaders = new Set<NodeId>([localId])
      let top = this.getNodePriority(localId, q)
      forAllNodes(q, (cur) => {
        const w = this.getNodePriority(cur, q)
        if (w > top) {
          top = w
          newLeaders.clear()
        }
        if (w === top && w > 0n) newLeaders.add(cur)
        return true
      })
      // nobody had priority: everyone would pick themselves and time out
      if (top === 0n) newLeaders.clear()
      const oldSize = this.roundLeaders.size
      for (const n of newLeaders) this.roundLeaders.add(n)
      if (oldSize !== this.roundLeaders.size) return
      this.roundNumber++ // fast timeout
      if (--iterationsRemaining <= 0) {
        throw new Error(
          `updateRoundLeaders: expected a new leader within ${MAX_LEADER_ITERATIONS} rounds, got none`,
        )
      }
    }
  }

  /**
   * `NominationProtocol::nominate` (notes §1.10 item 8): refuse once a candidate exists, or on a
   * timeout before nomination started; otherwise start the next round: update leaders, re-arm the
   * timer (its callback nominates the same value again with timedOut = true), vote for each
   * leader's best new value, and for `value` if we lead and have no vote yet; emit if X changed.
   */
  nominate(value: Value, previousValue: Value, timedOut: boolean): boolean {
    if (this.candidates.length > 0) return false
    let updated = false
    if (timedOut) this.timerExpCount++
    if (timedOut && !this.started) return false
    this.started = true
    this.previousValue = previousValue
    this.roundNumber++
    this.updateRoundLeaders()
    const timeout = this.slot.driver.computeTimeout(this.roundNumber, true)
    // add a few more values from other leaders (in NodeId order, as stellar-core's std::set)
    for (const leader of [...this.roundLeaders].sort()) {
      const env = this.latest.get(leader)
      if (env === undefined) continue
      const v = this.getNewValueFromNomination(nominationOf(env.statement))
      if (v !== undefined) {
        insertValue(this.votes, v)
        updated = true
        this.slot.driver.nominatingValue?.(this.slot.index, v)
      }
    }
    // our own value, if we lead this round and vote for nothing yet
    if (this.roundLeaders.has(this.slot.localNode.nodeId) && this.votes.length === 0) {
      if (insertValue(this.votes, value)) {
        updated = true
        this.slot.driver.nominatingValue?.(this.slot.index, value)
      }
    }
    const slot = this.slot
    slot.driver.setupTimer(slot.index, 'nomination', timeout, () => {
      if (slot.isLive()) slot.nominate(value, previousValue, true)
    })
    if (updated) this.emitNomination()
    return updated
  }

  /** Called on externalize: later NOMINATE statements are recorded but not acted upon. */
  stopNomination(): void {
    this.started = false
  }

  getLeaders(): Set<NodeId> {
    return new Set(this.roundLeaders)
  }

  getLatestCompositeCandidate(): Value | undefined {
    return this.latestCompositeCandidate
  }

  getLastMessageSend(): Envelope | undefined {
    return this.lastEnvelope
  }

  /** Restore own X and Y after a crash; refused once nomination has started. Not re-emitted. */
  setStateFromEnvelope(envelope: Envelope): void {
    if (this.started) {
      throw new Error('setStateFromEnvelope: expected nomination not started, got started')
    }
    this.recordEnvelope(envelope)
    const nom = nominationOf(envelope.statement)
    for (const a of nom.accepted) insertValue(this.accepted, a)
    for (const v of nom.votes) insertValue(this.votes, v)
    this.lastEnvelope = envelope
  }

  /** Latest NOMINATE envelopes; our own only if the slot is fully validated (or `forceSelf`). */
  processCurrentState(f: (e: Envelope) => boolean, forceSelf: boolean): boolean {
    for (const [id, k] of this.latest.records) {
      if (forceSelf || id !== this.slot.localNode.nodeId || this.slot.isFullyValidated()) {
        if (!f(k.envelope)) return false
      }
    }
    return true
  }

  getLatestMessage(nodeId: NodeId): Envelope | undefined {
    return this.latest.get(nodeId)
  }

  getState(): NominationState {
    const s: NominationState = {
      started: this.started,
      round: this.roundNumber,
      votes: [...this.votes],
      accepted: [...this.accepted],
      candidates: [...this.candidates],
      leaders: [...this.roundLeaders].sort(),
      timerExpirations: this.timerExpCount,
    }
    if (this.latestCompositeCandidate !== undefined)
      s.latestCompositeCandidate = this.latestCompositeCandidate
    return s
  }
}
