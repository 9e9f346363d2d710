/**
 * The SCP entry point: one instance per node, holding its slots. A port of stellar-core
 * `src/scp/SCP.cpp` behind the interface of issue 3. The core never reads a clock, never checks a
 * signature and never throws on peer input: `receiveEnvelope` answers 'invalid' instead.
 */
import { equalBytes, toHex } from '../codec/bytes.js'
import type { BallotState } from './ballot.js'
import { LocalNode } from './local-node.js'
import type { NominationState } from './nomination.js'
import {
  type CompiledQuorumSet,
  compileQuorumSet,
  isQuorumSetSane,
  NodeTable,
  singletonQuorumSet,
} from './quorum.js'
import { sanitizeEnvelope } from './sanitize.js'
import { Slot, type SlotHost } from './slot.js'
import type {
  Envelope,
  NodeId,
  QuorumSet,
  ScpDriver,
  ScpDriverNodeWeight,
  Statement,
  Value,
} from './types.js'
import { getNodeWeight } from './weights.js'

/** Quorum sets resolved by hash are kept (content-addressed, so a hit is always right) up to this many. */
const QSET_CACHE_LIMIT = 4096

/** A read-only view of one slot, for reports and tests (not part of stellar-core's API). */
export interface SlotState {
  slotIndex: bigint
  fullyValidated: boolean
  gotVBlocking: boolean
  nomination: NominationState
  ballot: BallotState
}

export class Scp implements SlotHost {
  readonly localNode: LocalNode
  private readonly slots = new Map<bigint, Slot>()
  private lastSlot: Slot | undefined
  private readonly qsetsByHash = new Map<string, QuorumSet>()
  private readonly qsetOfStatement = new WeakMap<Statement, QuorumSet>()
  private readonly sane = new WeakMap<QuorumSet, boolean>()
  private readonly weights = new WeakMap<QuorumSet, Map<string, bigint>>()
  private readonly singletons = new Map<NodeId, QuorumSet>()
  private readonly weightOverride: ScpDriverNodeWeight['getNodeWeight'] | undefined
  private readonly localHashHex: string
  private readonly table = new NodeTable()
  private readonly compiled = new WeakMap<QuorumSet, CompiledQuorumSet>()
  readonly localCompiled: CompiledQuorumSet

  constructor(
    readonly driver: ScpDriver,
    nodeId: NodeId,
    isValidator: boolean,
    localQuorumSet: QuorumSet,
  ) {
    this.localNode = new LocalNode(nodeId, isValidator, localQuorumSet)
    this.localHashHex = toHex(this.localNode.quorumSetHash)
    this.localCompiled = compileQuorumSet(this.localNode.quorumSet, this.table)
    this.compiled.set(this.localNode.quorumSet, this.localCompiled)
    const d = driver as ScpDriver & Partial<ScpDriverNodeWeight>
    this.weightOverride = typeof d.getNodeWeight === 'function' ? d.getNodeWeight.bind(driver) : undefined
  }

  // ---- SlotHost ----

  /**
   * `Slot::getQuorumSetFromStatement`: {sender} for EXTERNALIZE (notes §1.10 item 5), else the set
   * named by hash: our own normalised set if the hash is ours, otherwise the driver's answer. A set
   * found by hash is cached (its content cannot change); a miss is asked again next time.
   */
  quorumSetFromStatement(st: Statement): QuorumSet | undefined {
    const p = st.pledges
    if (p.type === 'externalize') {
      let q = this.singletons.get(st.nodeId)
      if (q === undefined) {
        q = singletonQuorumSet(st.nodeId)
        this.singletons.set(st.nodeId, q)
      }
      return q
    }
    const cached = this.qsetOfStatement.get(st)
    if (cached !== undefined) return cached
    if (equalBytes(p.quorumSetHash, this.localNode.quorumSetHash)) return this.localNode.quorumSet
    const key = toHex(p.quorumSetHash)
    let q = this.qsetsByHash.get(key)
    if (q === undefined) {
      q = key === this.localHashHex ? this.localNode.quorumSet : this.driver.getQuorumSet(p.quorumSetHash)
      if (q === undefined) return undefined
      if (this.qsetsByHash.size >= QSET_CACHE_LIMIT) this.qsetsByHash.clear()
      this.qsetsByHash.set(key, q)
    }
    this.qsetOfStatement.set(st, q)
    return q
  }

  isSane(q: QuorumSet): boolean {
    let ok = this.sane.get(q)
    if (ok === undefined) {
      ok = isQuorumSetSane(q, false).ok
      this.sane.set(q, ok)
    }
    return ok
  }

  nodeWeight(nodeId: NodeId, qset: QuorumSet, isLocal: boolean): bigint {
    if (this.weightOverride) return this.weightOverride(nodeId, qset, isLocal)
    // the default weight is a pure function of (node, qset): remember it per quorum set object
    let byNode = this.weights.get(qset)
    if (byNode === undefined) {
      byNode = new Map()
      this.weights.set(qset, byNode)
    }
    const key = isLocal ? `\u0000${nodeId}` : nodeId
    let w = byNode.get(key)
    if (w === undefined) {
      w = getNodeWeight(nodeId, qset, isLocal)
      byNode.set(key, w)
    }
    return w
  }

  nodeIndex(id: NodeId): number {
    return this.table.of(id)
  }

  nodeCount(): number {
    return this.table.size
  }

  compiledFromStatement(st: Statement): CompiledQuorumSet | undefined {
    const q = this.quorumSetFromStatement(st)
    if (q === undefined) return undefined
    let c = this.compiled.get(q)
    if (c === undefined) {
      c = compileQuorumSet(q, this.table)
      this.compiled.set(q, c)
    }
    return c
  }

  isLive(slot: Slot): boolean {
    return this.slots.get(slot.index) === slot
  }

  private getSlot(slotIndex: bigint, create: true): Slot
  private getSlot(slotIndex: bigint, create: false): Slot | undefined
  private getSlot(slotIndex: bigint, create: boolean): Slot | undefined {
    const last = this.lastSlot
    if (last !== undefined && last.index === slotIndex) return last
    let slot = this.slots.get(slotIndex)
    if (slot === undefined && create) {
      slot = new Slot(slotIndex, this)
      this.slots.set(slotIndex, slot)
    }
    if (slot !== undefined) this.lastSlot = slot
    return slot
  }

  // ---- the interface of issue 3 ----

  /**
   * Process a peer's envelope (its signature already checked by the node). Never throws on bad
   * input. A statement in the local node's name is refused: our own statements enter through
   * self-processing (and `setStateFromEnvelope` after a crash); stellar-core's herder drops them
   * before SCP (`HerderImpl::recvSCPEnvelope`), Watt does it here so that no peer input, not even a
   * replayed or forged statement of ours, can overwrite our own state.
   */
  receiveEnvelope(envelope: Envelope): 'valid' | 'invalid' {
    const e = sanitizeEnvelope(envelope)
    if (e === undefined || e.statement.nodeId === this.localNode.nodeId) return 'invalid'
    return this.getSlot(e.statement.slotIndex, true).processEnvelope(e, false)
  }

  /** Submit a value to nominate for a slot; `previousValue` is the value of the slot before. */
  nominate(slotIndex: bigint, value: Value, previousValue: Value, timedOut = false): boolean {
    if (!this.localNode.isValidator) {
      throw new Error('nominate: expected a validator, got a node configured as a watcher')
    }
    return this.getSlot(slotIndex, true).nominate(value, previousValue, timedOut)
  }

  /** Start (or with `force`, bump) the ballot protocol with `value`, bypassing nomination. */
  bumpState(slotIndex: bigint, value: Value, force: boolean): boolean {
    return this.getSlot(slotIndex, true).bumpState(value, force)
  }

  /** Restore own state after a crash from one of our own last envelopes for the slot. */
  setStateFromEnvelope(slotIndex: bigint, envelope: Envelope): void {
    const e = sanitizeEnvelope(envelope)
    if (e === undefined)
      throw new Error('setStateFromEnvelope: expected a well-formed envelope, got a malformed one')
    this.getSlot(slotIndex, true).setStateFromEnvelope(e)
  }

  /**
   * The latest statement of `nodeId` for the slot, emitted or not (for the local node this includes
   * statements held back by the emission gates): its ballot statement if any, else its NOMINATE.
   */
  getCurrentEnvelope(slotIndex: bigint, nodeId: NodeId): Envelope | undefined {
    return this.getSlot(slotIndex, false)?.getLatestMessage(nodeId)
  }

  /** The envelopes this node last emitted for the slot (empty unless the slot is fully validated). */
  getLatestMessagesSend(slotIndex: bigint): Envelope[] {
    return this.getSlot(slotIndex, false)?.getLatestMessagesSend() ?? []
  }

  getNominationLeaders(slotIndex: bigint): Set<NodeId> {
    return this.getSlot(slotIndex, false)?.getNominationLeaders() ?? new Set()
  }

  getLatestCompositeCandidate(slotIndex: bigint): Value | undefined {
    return this.getSlot(slotIndex, false)?.getLatestCompositeCandidate()
  }

  /** Forget every slot below `maxSlotIndex` except `slotToKeep` (stellar-core `purgeSlots`). */
  purgeSlots(maxSlotIndex: bigint, slotToKeep: bigint): void {
    for (const index of [...this.slots.keys()]) {
      if (index < maxSlotIndex && index !== slotToKeep) this.slots.delete(index)
    }
    this.lastSlot = undefined
  }

  // ---- more of stellar-core's SCP API ----

  get nodeId(): NodeId {
    return this.localNode.nodeId
  }

  get isValidator(): boolean {
    return this.localNode.isValidator
  }

  getLocalQuorumSet(): QuorumSet {
    return this.localNode.quorumSet
  }

  getLocalQuorumSetHash(): Uint8Array {
    return this.localNode.quorumSetHash
  }

  /** Stop acting on NOMINATE statements for a slot. */
  stopNomination(slotIndex: bigint): void {
    this.getSlot(slotIndex, false)?.stopNomination()
  }

  isSlotFullyValidated(slotIndex: bigint): boolean {
    return this.getSlot(slotIndex, false)?.isFullyValidated() ?? false
  }

  /** Did we hear from a v-blocking set of our quorum set for this slot? */
  gotVBlocking(slotIndex: bigint): boolean {
    return this.getSlot(slotIndex, false)?.hasGotVBlocking() ?? false
  }

  /** The statements that helped the slot externalize (empty if it did not). */
  getExternalizingState(slotIndex: bigint): Envelope[] {
    return this.getSlot(slotIndex, false)?.ballot.getExternalizingState() ?? []
  }

  /** Every latest envelope of the slot (NOMINATE first); `forceSelf` includes ours even when not validated. */
  getEntireCurrentState(slotIndex: bigint, forceSelf = true): Envelope[] {
    const out: Envelope[] = []
    this.getSlot(slotIndex, false)?.processCurrentState((e) => {
      out.push(e)
      return true
    }, forceSelf)
    return out
  }

  /** Known slot indexes, ascending. */
  getKnownSlots(): bigint[] {
    return [...this.slots.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  getSlotState(slotIndex: bigint): SlotState | undefined {
    const slot = this.getSlot(slotIndex, false)
    if (slot === undefined) return undefined
    return {
      slotIndex,
      fullyValidated: slot.isFullyValidated(),
      gotVBlocking: slot.hasGotVBlocking(),
      nomination: slot.nomination.getState(),
      ballot: slot.ballot.getState(),
    }
  }
}
