/**
 * A simulated validator made of an `Scp` instance and a small herder (the part of stellar-core's
 * `HerderImpl` SCP needs around it): it nominates slot i+1 a fixed interval after externalizing
 * slot i, persists its last emitted envelopes (`persistSCPState`) and restores them after a crash
 * with `setStateFromEnvelope`, answers state requests with its latest statements for recent slots
 * (`sendSCPStateToPeer`), and periodically re-sends its own latest statements and pulls state when
 * it is behind (out-of-sync recovery). Values are opaque bytes (values.ts).
 */
import { toHex } from '../../../src/core/codec/index.js'
import {
  type Ballot,
  defaultComputeHashNode,
  defaultComputeTimeout,
  defaultComputeValueHash,
  type Envelope,
  EnvelopeMessage,
  encodeEnvelope,
  type Hash,
  type QuorumSet,
  Scp,
  type ScpDriver,
  type TimerId,
  type ValidationLevel,
  type Value,
} from '../../../src/core/scp/index.js'
import type { NodeId, SimContext, SimNode, TimerHandle } from './node.js'
import { combineValues, GENESIS_VALUE, makeValue, valueSlot } from './values.js'

export type ScpMessage =
  | { type: 'envelope'; envelope: Envelope }
  | { type: 'envelopeBytes'; bytes: Uint8Array }
  | { type: 'getState'; fromSlot: bigint }

export interface ScpNodeConfig {
  qset: QuorumSet
  /** Quorum sets of the network by hash hex (stellar-core fetches them from peers). */
  qsetsByHash: ReadonlyMap<string, QuorumSet>
  /** This node's index (goes into the values it proposes). */
  index: number
  /** Nominate slots 1..slots. */
  slots: number
  /** Virtual ms between externalizing slot i and nominating slot i+1 (stellar-core: 5 s). */
  slotIntervalMs: number
  /** Re-send own latest statements and pull state when behind, every this many ms (0: never). */
  rebroadcastMs: number
  /** Delay before a restarted node nominates again. */
  restartDelayMs: number
  /** Send envelopes as encoded bytes through the wire codec instead of as objects. */
  wire: 'objects' | 'bytes'
  /** Slots answered in one state reply. */
  stateWindow: number
}

/** What the scenario wants to know about a node. */
export interface ScpObserver {
  externalized(node: NodeId, slot: bigint, value: Value, time: number): void
  emitted(node: NodeId, envelope: Envelope, time: number): void
}

interface SavedSlot {
  nomination?: Envelope
  ballot?: Envelope
}

const LEDGER = 'ledger'
const SCP_STATE = 'scp'

/** A compact summary of a statement for the trace. */
export function describeStatement(e: Envelope): string {
  const p = e.statement.pledges
  const v = (b: Ballot | undefined) => (b ? `${b.counter}:${toHex(b.value).slice(-8)}` : '-')
  switch (p.type) {
    case 'nominate':
      return `N ${e.statement.slotIndex} ${p.votes.length}/${p.accepted.length}`
    case 'prepare':
      return `P ${e.statement.slotIndex} ${v(p.ballot)} ${v(p.prepared)} ${v(p.preparedPrime)} ${p.nC} ${p.nH}`
    case 'confirm':
      return `C ${e.statement.slotIndex} ${v(p.ballot)} ${p.nPrepared} ${p.nCommit} ${p.nH}`
    case 'externalize':
      return `E ${e.statement.slotIndex} ${v(p.commit)} ${p.nH}`
  }
}

/** The SCP driver of a simulated node: stellar-core's defaults, virtual timers, opaque values. */
export class SimScpDriver implements ScpDriver {
  private readonly timers = new Map<string, TimerHandle>()

  constructor(
    private readonly ctx: SimContext<ScpMessage>,
    private readonly config: ScpNodeConfig,
    private readonly onEmit: (e: Envelope) => void,
    private readonly onExternalized: (slot: bigint, value: Value) => void,
  ) {}

  signEnvelope(): void {
    // no signatures in the simulator (the node checks them before SCP)
  }

  getQuorumSet(hash: Hash): QuorumSet | undefined {
    return this.config.qsetsByHash.get(toHex(hash))
  }

  /** Well-formed and for this slot: fully valid; anything else: invalid. */
  validateValue(slotIndex: bigint, value: Value): ValidationLevel {
    return valueSlot(value) === slotIndex ? 'fullyValidated' : 'invalid'
  }

  extractValidValue(): Value | undefined {
    return undefined
  }

  combineCandidates(_slot: bigint, candidates: Value[]): Value | undefined {
    return combineValues(candidates)
  }

  emitEnvelope(envelope: Envelope): void {
    this.onEmit(envelope)
  }

  valueExternalized(slotIndex: bigint, value: Value): void {
    this.onExternalized(slotIndex, value)
  }

  computeHashNode(slot: bigint, prev: Value, isPriority: boolean, round: number, nodeId: string): bigint {
    return defaultComputeHashNode(slot, prev, isPriority, round, nodeId)
  }

  computeValueHash(slot: bigint, prev: Value, round: number, value: Value): bigint {
    return defaultComputeValueHash(slot, prev, round, value)
  }

  /** stellar-core: 1 s + 1 s per round, capped at 30 minutes. */
  computeTimeout(round: number): number {
    return defaultComputeTimeout(round)
  }

  setupTimer(slot: bigint, timerId: TimerId, timeoutMs: number, callback: (() => void) | null): void {
    const key = `${slot}/${timerId}`
    this.ctx.clearTimer(this.timers.get(key))
    this.timers.delete(key)
    if (callback === null) return
    this.timers.set(
      key,
      this.ctx.setTimer(timeoutMs, () => {
        this.timers.delete(key)
        callback()
      }),
    )
  }

  stopTimer(slot: bigint, timerId: TimerId): void {
    this.setupTimer(slot, timerId, 0, null)
  }
}

export class ScpSimNode implements SimNode<ScpMessage> {
  private ctx: SimContext<ScpMessage> | undefined
  private scp: Scp | undefined
  /** Highest slot whose nomination is scheduled (this life). */
  private scheduled = 0n
  /** Highest slot this node started nominating (this life). */
  private started = 0n
  /** NOMINATE envelopes for slots not started yet, held back until we nominate (see deliver). */
  private pending = new Map<bigint, Envelope[]>()
  /** Envelopes this node emitted (over all lives). */
  emitted = 0

  constructor(
    readonly id: NodeId,
    readonly config: ScpNodeConfig,
    private readonly observer: ScpObserver,
  ) {}

  /** The SCP instance of the current life (undefined while crashed). */
  get instance(): Scp | undefined {
    return this.scp
  }

  private ledger(): Map<bigint, Value> {
    const storage = this.ctx!.storage
    let l = storage.get(LEDGER) as Map<bigint, Value> | undefined
    if (!l) {
      l = new Map()
      storage.set(LEDGER, l)
    }
    return l
  }

  private saved(): Map<bigint, SavedSlot> {
    const storage = this.ctx!.storage
    let s = storage.get(SCP_STATE) as Map<bigint, SavedSlot> | undefined
    if (!s) {
      s = new Map()
      storage.set(SCP_STATE, s)
    }
    return s
  }

  /** Last closed ledger: the highest slot externalized with every slot below it. */
  lcl(): bigint {
    const l = this.ledger()
    let i = 0n
    while (l.has(i + 1n)) i++
    return i
  }

  start(ctx: SimContext<ScpMessage>): void {
    this.ctx = ctx
    const driver = new SimScpDriver(
      ctx,
      this.config,
      (e) => this.emit(e),
      (slot, value) => this.externalized(slot, value),
    )
    const scp = new Scp(driver, this.id, true, this.config.qset)
    this.scp = scp
    const saved = this.saved()
    const restarting = saved.size > 0 || this.ledger().size > 0
    // restore our own last emitted statements (HerderImpl::restoreSCPState)
    for (const [slot, s] of saved) {
      if (s.nomination) scp.setStateFromEnvelope(slot, s.nomination)
      if (s.ballot) scp.setStateFromEnvelope(slot, s.ballot)
    }
    const next = this.lcl() + 1n
    this.started = next - 1n
    this.scheduled = next
    const delay = restarting ? this.config.restartDelayMs : ctx.rng.int(0, 50)
    ctx.setTimer(delay, () => this.nominateSlot(next))
    if (restarting) {
      ctx.trace(`restored ${saved.size} slots, lcl ${next - 1n}`)
      ctx.broadcast({ type: 'getState', fromSlot: next })
    }
    if (this.config.rebroadcastMs > 0) {
      ctx.setTimer(this.config.rebroadcastMs + ctx.rng.int(0, 100), () => this.rebroadcast())
    }
  }

  crash(): void {
    this.scp = undefined
    this.pending = new Map()
  }

  private nominateSlot(slot: bigint): void {
    const scp = this.scp
    const ctx = this.ctx!
    if (!scp || slot < 1n || slot > BigInt(this.config.slots)) return
    if (this.ledger().has(slot)) return
    const prev = slot === 1n ? GENESIS_VALUE : this.ledger().get(slot - 1n)
    if (prev === undefined) return
    if (slot > this.started) this.started = slot
    const value = makeValue({
      slot,
      proposer: this.config.index,
      flags: 0,
      nonce: ctx.rng.nextU32() & 0xffffff,
    })
    scp.nominate(slot, value, prev)
    // now that the slot's nomination runs, hand over what arrived early
    for (const [s, list] of [...this.pending]) {
      if (s > this.started) continue
      this.pending.delete(s)
      if (s === slot) for (const e of list) scp.receiveEnvelope(e)
    }
  }

  /**
   * The herder's queue: SCP acts on a NOMINATE only once its own nomination for that slot has
   * started, and a statement that is not newer than the one recorded is never looked at again. A
   * NOMINATE recorded before we start would therefore never count (a restarted node could stay
   * stuck), so NOMINATE envelopes for slots we have not started wait here (stellar-core's herder
   * likewise holds envelopes for slots beyond the one it works on). Ballot statements go through at
   * once: they can make us externalize a slot we never nominated (catch-up).
   */
  private deliver(e: Envelope): void {
    const slot = e.statement.slotIndex
    if (e.statement.pledges.type === 'nominate' && slot > this.started) {
      if (this.ledger().has(slot) || slot > BigInt(this.config.slots)) return
      const list = this.pending.get(slot)
      if (list) list.push(e)
      else this.pending.set(slot, [e])
      return
    }
    this.scp!.receiveEnvelope(e)
  }

  private emit(e: Envelope): void {
    const ctx = this.ctx!
    this.emitted++
    // persist before sending (HerderImpl::emitEnvelope → persistSCPState)
    const saved = this.saved()
    const slot = e.statement.slotIndex
    const s = saved.get(slot) ?? {}
    if (e.statement.pledges.type === 'nominate') s.nomination = e
    else s.ballot = e
    saved.set(slot, s)
    ctx.trace(`emit ${describeStatement(e)}`)
    this.observer.emitted(this.id, e, ctx.now())
    ctx.broadcast(this.wrap(e))
  }

  private wrap(e: Envelope): ScpMessage {
    return this.config.wire === 'bytes'
      ? { type: 'envelopeBytes', bytes: encodeEnvelope(e) }
      : { type: 'envelope', envelope: e }
  }

  private externalized(slot: bigint, value: Value): void {
    const ctx = this.ctx!
    this.ledger().set(slot, value)
    ctx.trace(`externalize ${slot} ${toHex(value)}`)
    this.observer.externalized(this.id, slot, value, ctx.now())
    // forget slots far behind (stellar-core keeps MAX_SLOTS_TO_REMEMBER)
    const keepFrom = slot - BigInt(this.config.stateWindow) * 4n
    if (keepFrom > 0n) {
      this.scp!.purgeSlots(keepFrom, 0n)
      for (const k of [...this.saved().keys()]) if (k < keepFrom) this.saved().delete(k)
    }
    const next = slot + 1n
    if (next > this.scheduled && next <= BigInt(this.config.slots) && !this.ledger().has(next)) {
      this.scheduled = next
      ctx.setTimer(this.config.slotIntervalMs, () => this.nominateSlot(next))
    }
  }

  onMessage(from: NodeId, msg: ScpMessage): void {
    const scp = this.scp
    if (!scp) return
    switch (msg.type) {
      case 'envelope':
        this.deliver(msg.envelope)
        break
      case 'envelopeBytes': {
        const r = EnvelopeMessage.tryDecode(msg.bytes)
        if (r.ok) this.deliver(r.value)
        break
      }
      case 'getState': {
        // every latest statement we hold for the requested slots (sendSCPStateToPeer)
        const last = msg.fromSlot + BigInt(this.config.stateWindow)
        for (const slot of scp.getKnownSlots()) {
          if (slot < msg.fromSlot || slot >= last) continue
          for (const e of scp.getEntireCurrentState(slot, false)) this.ctx!.send(from, this.wrap(e))
        }
        break
      }
    }
  }

  /** Out-of-sync recovery: re-send our latest statements for the open slot and pull state from a peer. */
  private rebroadcast(): void {
    const ctx = this.ctx!
    const scp = this.scp
    if (!scp) return
    const open = this.lcl() + 1n
    if (open <= BigInt(this.config.slots)) {
      for (const e of scp.getLatestMessagesSend(open)) ctx.broadcast(this.wrap(e))
      const others = ctx.peers.filter((p) => p !== this.id)
      if (others.length > 0) ctx.send(ctx.rng.pick(others), { type: 'getState', fromSlot: open })
    }
    ctx.setTimer(this.config.rebroadcastMs, () => this.rebroadcast())
  }
}
