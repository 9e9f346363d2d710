/**
 * The validator: drives SCP slot after slot over the ledger (stellar-core's Herder, reduced to what
 * Watt needs). It owns the SCP instance, the last closed state, the transaction queue and the caches of
 * transaction sets and quorum sets, and it talks to the world only through injected parts — a clock, a
 * network, a store, an Ed25519 backend — so the same code runs as a real relay (relay/src/run.ts), in
 * the deterministic simulator (relay/src/sim) and in tests.
 *
 * Envelope path (HerderImpl::recvSCPEnvelope): decode → slot window → signature (before SCP ever sees
 * it) → dependencies (the quorum set and every transaction set the statement names are fetched, and
 * the sets' checks run) → `scp.receiveEnvelope`. Slot path: nominate at the close-time target with a
 * surge-priced set → externalize → close the ledger → persist → next slot. Catch-up: when SCP
 * externalizes a slot beyond the next one, or peers are ahead, missing ledgers are fetched, their
 * values checked against a quorum of signed EXTERNALIZE statements, and replayed.
 */
import { equalBytes, toHex } from '../../../src/core/codec/bytes.js'
import { sha256 } from '../../../src/core/codec/hash.js'
import { networkIdOf } from '../../../src/core/codec/signing.js'
import type { BatchVerifier } from '../../../src/core/crypto/batch.js'
import type { SyncEd25519 } from '../../../src/core/crypto/ed25519.js'
import { parseValidatorId, validatorId } from '../../../src/core/crypto/strkey.js'
import {
  attestationCheck,
  attestationsFrom,
  buildTransactionSet,
  type Check,
  type CloseResult,
  closeLedger,
  combineCandidates,
  type LedgerEnv,
  type LedgerHeader,
  LedgerHeaderType,
  type LedgerState,
  type LedgerValue,
  LedgerValueType,
  type PreparedTx,
  payoutLine,
  prepare,
  runChecks,
  type SetValidation,
  type TransactionEnvelope,
  TransactionEnvelopeType,
  TransactionResultType,
  type TransactionSet,
  TransactionSetType,
  transactionChecks,
  transactionSetChecks,
  txSetHash,
  validateTransaction,
  validateTransactionSet,
  validateValueShape,
} from '../../../src/core/ledger/index.js'
import type { Argon2id } from '../../../src/core/ledger/puzzle.js'
import {
  defaultComputeHashNode,
  defaultComputeTimeout,
  defaultComputeValueHash,
  type Envelope,
  EnvelopeMessage,
  encodeEnvelope,
  findClosestVBlocking,
  isQuorumSetSane,
  isQuorumSlice,
  isVBlocking,
  type QuorumSet,
  QuorumSetMessage,
  quorumSetHash,
  Scp,
  type ScpDriver,
  statementSignatureBase,
  type TimerId,
  type ValidationLevel,
} from '../../../src/core/scp/index.js'
import type { LedgerRecord, NodeStore } from '../store/interface.js'
import type { Logger } from '../util/log.js'
import { PassedChecks } from './passed-checks.js'

export interface Clock {
  /** Milliseconds since the epoch (or since the simulation began). */
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** A closed ledger as peers serve it for catch-up: header, set, and the EXTERNALIZE envelopes of its slot. */
export interface LedgerBundle {
  header: Uint8Array
  txSet: Uint8Array
  externalizes: Uint8Array[]
}

export interface NodeNetwork {
  broadcast(topic: 'scp' | 'tx', data: Uint8Array): void
  /**
   * Send SCP envelopes and transactions again, straight to `peer` (a peer id) or to every validator
   * peer. Gossip drops a second publish of the same bytes for minutes, so what peers missed (they were
   * not connected when it was published) only reaches them this way.
   */
  resend(items: { envelopes?: Uint8Array[]; txs?: Uint8Array[] }, peer?: string): void
  fetchTxSet(hash: Uint8Array): Promise<Uint8Array | undefined>
  fetchQuorumSet(hash: Uint8Array): Promise<Uint8Array | undefined>
  fetchLedger(seq: bigint): Promise<LedgerBundle | undefined>
  /** Ask peers for their latest SCP messages for a slot (after a restart). */
  fetchScpState(slot: bigint): Promise<Uint8Array[]>
}

export interface ValidatorInit {
  networkPassphrase: string
  /** The validator's secret seed (32 bytes); its public key is the node id. */
  seed: Uint8Array
  quorumSet: QuorumSet
  /** A watcher follows consensus and serves data but never votes. */
  isValidator?: boolean
  state: LedgerState
  store: NodeStore
  network: NodeNetwork
  clock: Clock
  ed25519: SyncEd25519
  verifier: BatchVerifier
  argon2id: Argon2id
  log: Logger
  /** Target time between ledgers, ms (mainnet 5,000; devnet 1,000). */
  closeTimeMs: number
  /** Run the full ledger invariant suite after every ledger (tests, devnet). */
  checkInvariants?: boolean
  /** Upgrades this validator votes for (network parameter changes). */
  upgrades?: LedgerValue['upgrades']
  /** Transactions kept waiting at most. @default 20_000 */
  maxQueue?: number
}

export type SubmitResult =
  | { status: 'pending'; hash: Uint8Array }
  | { status: 'duplicate'; hash: Uint8Array }
  | { status: 'rejected'; code: string; reason: string; hash?: Uint8Array }

export interface QuorumHealth {
  /** Validators of our quorum set, and when we last heard from each (ms ago; undefined: never). */
  members: { id: string; lastHeardMsAgo: number | undefined; lastSlot: bigint | undefined }[]
  /** Members not heard from within the out-of-sync window. */
  missing: string[]
  /** Members that externalized a different value than we did for a slot. */
  disagree: string[]
  /** The fewest more members whose failure would block us (stellar-core `fail_at`). */
  failAt: number
  /** Whether the members heard recently still form a slice of our quorum set. */
  canCloseLedgers: boolean
}

export interface NodeStatus {
  nodeId: string
  validator: boolean
  ledger: { seq: bigint; hash: string; closeTime: bigint; day: bigint }
  synced: boolean
  /** Why the node is not in sync, in words. */
  reason: string
  queue: number
  lastCloseMsAgo: number
  quorum: QuorumHealth
  clockDriftSeconds: number | undefined
}

/** Slots behind the next one whose messages are still processed (stellar-core MAX_SLOTS_TO_REMEMBER). */
const MAX_SLOTS_TO_REMEMBER = 12n
/** Slots ahead of the next one whose messages are accepted (stellar-core LEDGER_VALIDITY_BRACKET). */
const LEDGER_VALIDITY_BRACKET = 100n
/** Envelopes of the current slot waiting for their quorum set or transaction sets. */
const MAX_PENDING_ENVELOPES = 2_000
/** Envelopes for slots ahead of ours kept until we get there. */
const MAX_FUTURE_ENVELOPES = 5_000
/** A queued transaction is sent to peers again after this many ledger times without being applied. */
const RESEND_EVERY_LEDGERS = 4
/** Transactions resent at once (per ledger close, or to a peer that connects). */
const RESEND_MAX_TXS = 256

/** Transactions per source account kept in the queue. */
const MAX_PER_SOURCE = 16

interface CachedSet {
  bytes: Uint8Array
  set: TransactionSet
  /** Validation result against a given last-closed-ledger hash (hex). */
  validation?: { lcl: string; result: SetValidation }
  /** The last closed ledger (hash hex) the set's checks were run against: attestations depend on it. */
  checkedFor: string | undefined
}

interface PendingEnvelope {
  envelope: Envelope
  waiting: Set<string>
}

export class Validator {
  readonly nodeId: string
  readonly networkId: Uint8Array
  readonly scp: Scp
  state: LedgerState
  private readonly init: ValidatorInit
  private readonly log: Logger
  private readonly qsets = new Map<string, QuorumSet>()
  private readonly txSets = new Map<string, CachedSet>()
  private readonly queue = new Map<
    string,
    { tx: PreparedTx; bytes: Uint8Array; checks: Check[]; received: number; resentAt: number }
  >()
  /** Queued transactions per source account (hex), for the per-account limit. */
  private readonly perSource = new Map<string, number>()
  private readonly passed = new PassedChecks()
  private pending: PendingEnvelope[] = []
  private future: Envelope[] = []
  private readonly fetching = new Map<string, Promise<void>>()
  private readonly seenEnvelopes = new Set<string>()
  private readonly timers = new Map<string, unknown>()
  private readonly externalized = new Map<bigint, Uint8Array>()
  private readonly heard = new Map<string, { at: number; slot: bigint }>()
  /** The quorum-set hash each validator last announced (the trust graph light clients rank). */
  private readonly nodeQsets = new Map<string, string>()
  private readonly disagreeing = new Set<string>()
  private readonly externalizeEnvelopes = new Map<bigint, Map<string, { env: Envelope; bytes: Uint8Array }>>()
  private nominationTimer: unknown
  private tickTimer: unknown
  private closing: Promise<void> = Promise.resolve()
  private catchingUp = false
  private lastCloseAt: number
  private stopped = false
  private closeTimeSkew: number | undefined
  private readonly listeners = new Set<(r: CloseResult, record: LedgerRecord) => void>()

  constructor(init: ValidatorInit) {
    this.init = init
    this.log = init.log
    this.state = init.state
    this.networkId = networkIdOf(init.networkPassphrase)
    const pk = init.ed25519.publicKeySync(init.seed)
    this.nodeId = validatorId(pk)
    const sane = isQuorumSetSane(init.quorumSet, false)
    if (!sane.ok) throw new Error(`Validator: the local quorum set is not sane: ${sane.reason}`)
    this.scp = new Scp(this.driver(), this.nodeId, init.isValidator !== false, init.quorumSet)
    // SCP announces the hash of the normalised quorum set (stellar-core LocalNode); serve both forms.
    this.qsets.set(toHex(quorumSetHash(init.quorumSet)), init.quorumSet)
    this.qsets.set(toHex(this.scp.getLocalQuorumSetHash()), this.scp.getLocalQuorumSet())
    this.lastCloseAt = init.clock.now()
  }

  get networkPassphrase(): string {
    return this.init.networkPassphrase
  }
  get store(): NodeStore {
    return this.init.store
  }
  get quorumSet(): QuorumSet {
    return this.init.quorumSet
  }
  get lastClosed(): { header: LedgerHeader; hash: Uint8Array } {
    return { header: this.state.header, hash: this.state.headerHash }
  }

  /** Called after every closed ledger (HTTP long-polls, metrics, the light-client service). */
  onLedger(fn: (r: CloseResult, record: LedgerRecord) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  start(): void {
    const slot = this.state.header.seq + 1n
    // Restore our own statements for the slot in progress (a crash mid-ledger, §2.6 restore).
    for (const bytes of this.init.store.ownEnvelopes(slot)) {
      const r = EnvelopeMessage.tryDecode(bytes)
      if (!r.ok) continue
      try {
        this.scp.setStateFromEnvelope(slot, r.value)
        this.log.info('restored own SCP statement', { slot, type: r.value.statement.pledges.type })
      } catch (err) {
        this.log.warn('could not restore an own SCP statement', { slot, err: (err as Error).message })
      }
    }
    this.scheduleNomination(0)
    this.scheduleTick()
    void this.askPeersForState(slot)
  }

  stop(): void {
    this.stopped = true
    if (this.nominationTimer) this.init.clock.clearTimeout(this.nominationTimer)
    if (this.tickTimer) this.init.clock.clearTimeout(this.tickTimer)
    for (const t of this.timers.values()) this.init.clock.clearTimeout(t)
    this.timers.clear()
  }

  /** Wait for ledger closes in progress. */
  async idle(): Promise<void> {
    await this.closing
  }

  private async askPeersForState(slot: bigint): Promise<void> {
    try {
      const envs = await this.init.network.fetchScpState(slot)
      for (const e of envs) this.receiveEnvelope(e)
      // Our restored statements go out again so peers that missed them can progress.
      for (const e of this.scp.getLatestMessagesSend(slot))
        this.init.network.broadcast('scp', encodeEnvelope(e))
    } catch (err) {
      this.log.debug('peers gave no SCP state', { slot, err: (err as Error).message })
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions

  /** Admit a submitted transaction (from HTTP, libp2p or gossip). Never throws on bad input. */
  async submitTransaction(bytes: Uint8Array, options: { gossip?: boolean } = {}): Promise<SubmitResult> {
    const decoded = TransactionEnvelopeType.tryDecode(bytes)
    if (!decoded.ok) return { status: 'rejected', code: 'tx_malformed', reason: decoded.error.message }
    const envelope = decoded.value
    const tx = prepare(this.networkId, envelope)
    const key = toHex(tx.hash)
    if (this.queue.has(key)) return { status: 'duplicate', hash: tx.hash }
    if (this.init.store.txLocation(tx.hash)) return { status: 'duplicate', hash: tx.hash }
    const checks = transactionChecks(this.state, this.networkId, envelope)
    const missing = checks.filter((c) => !this.passed.has(c.id))
    if (missing.length > 0) {
      const ok = await runChecks(missing, { verifier: this.init.verifier, argon2id: this.init.argon2id })
      for (const id of ok) this.passed.add(id)
    }
    const v = validateTransaction(this.state, envelope, this.nextEnv(), tx.hash)
    // A later sequence number may wait for its predecessors in the queue; anything else fails now.
    if (v.code !== 'tx_success' && !(v.code === 'tx_bad_seq' && this.isFutureSeq(envelope))) {
      return { status: 'rejected', code: v.code, reason: v.reason, hash: tx.hash }
    }
    if (this.queue.size >= (this.init.maxQueue ?? 20_000)) {
      return {
        status: 'rejected',
        code: 'queue_full',
        reason: 'the transaction queue is full; retry with a higher fee',
        hash: tx.hash,
      }
    }
    const source = toHex(envelope.tx.source)
    if ((this.perSource.get(source) ?? 0) >= MAX_PER_SOURCE) {
      return {
        status: 'rejected',
        code: 'too_many_pending',
        reason: `at most ${MAX_PER_SOURCE} pending transactions per account`,
        hash: tx.hash,
      }
    }
    const now = this.init.clock.now()
    this.queue.set(key, { tx, bytes: bytes.slice(), checks, received: now, resentAt: now })
    this.perSource.set(source, (this.perSource.get(source) ?? 0) + 1)
    this.passed.pin(checks.map((c) => c.id))
    if (options.gossip !== false) this.init.network.broadcast('tx', bytes)
    return { status: 'pending', hash: tx.hash }
  }

  private dequeue(key: string): void {
    const q = this.queue.get(key)
    if (!q) return
    this.queue.delete(key)
    const source = toHex(q.tx.envelope.tx.source)
    const n = (this.perSource.get(source) ?? 1) - 1
    if (n > 0) this.perSource.set(source, n)
    else this.perSource.delete(source)
  }

  private isFutureSeq(envelope: TransactionEnvelope): boolean {
    const a = this.state.account(envelope.tx.source)
    if (!a) return false
    return envelope.tx.seq > a.seq + 1n && envelope.tx.seq <= a.seq + BigInt(MAX_PER_SOURCE)
  }

  /** Pending transactions, for the API. */
  isQueued(hash: Uint8Array): boolean {
    return this.queue.has(toHex(hash))
  }
  get queueSize(): number {
    return this.queue.size
  }

  private nextEnv(closeTime?: bigint): LedgerEnv {
    const p = this.state.params()
    const t = closeTime ?? this.state.header.value.closeTime + 1n
    return {
      ctx: { networkId: this.networkId, passed: this.passed },
      ledgerSeq: this.state.header.seq + 1n,
      closeTime: t,
      day: (t - p.genesisTime) / p.dayLength,
      payoutOf: (d, i) => payoutLine(this.state.payoutTables.get(d), i),
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Envelopes

  /** An SCP envelope from a peer (or replayed). Returns why it was dropped, or 'accepted'/'pending'. */
  receiveEnvelope(
    bytes: Uint8Array,
  ): 'accepted' | 'pending' | 'duplicate' | 'out-of-window' | 'malformed' | 'bad-signature' | 'invalid' {
    const decoded = EnvelopeMessage.tryDecode(bytes)
    if (!decoded.ok) return 'malformed'
    const env = decoded.value
    const st = env.statement
    const next = this.state.header.seq + 1n
    if (st.slotIndex + MAX_SLOTS_TO_REMEMBER < next || st.slotIndex > next + LEDGER_VALIDITY_BRACKET)
      return 'out-of-window'
    const id = toHex(bytes)
    if (this.seenEnvelopes.has(id)) return 'duplicate'
    let key: Uint8Array
    try {
      key = parseValidatorId(st.nodeId)
    } catch {
      return 'bad-signature'
    }
    if (!this.init.ed25519.verifySync(key, statementSignatureBase(this.networkId, st), env.signature))
      return 'bad-signature'
    this.seenEnvelopes.add(id)
    if (this.seenEnvelopes.size > 50_000) this.seenEnvelopes.clear()
    if (st.nodeId !== this.nodeId) {
      const h = this.heard.get(st.nodeId)
      if (!h || h.slot <= st.slotIndex)
        this.heard.set(st.nodeId, { at: this.init.clock.now(), slot: st.slotIndex })
      else h.at = this.init.clock.now()
    }
    if (st.pledges.type === 'externalize') this.noteExternalize(env, bytes)
    else this.nodeQsets.set(st.nodeId, toHex(st.pledges.quorumSetHash))
    if (st.slotIndex < next) return 'accepted' // only certificates matter for closed slots
    if (st.slotIndex > next) {
      // Held until our ledger reaches the slot before it (stellar-core's PendingEnvelopes): its values
      // can only be validated against that ledger, and SCP must never see a slot it cannot validate.
      this.future.push(env)
      if (this.future.length > MAX_FUTURE_ENVELOPES) this.future.shift()
      return 'pending'
    }
    return this.admit(env)
  }

  /** Pass a current-slot envelope to SCP once its quorum set and transaction sets are here and checked. */
  private admit(env: Envelope): 'accepted' | 'pending' | 'invalid' {
    const waiting = this.dependencies(env)
    if (waiting.size === 0) {
      return this.scp.receiveEnvelope(env) === 'valid' ? 'accepted' : 'invalid'
    }
    this.pending.push({ envelope: env, waiting })
    // Anyone can sign statements with a fresh key naming unknown sets: keep the newest few only.
    if (this.pending.length > MAX_PENDING_ENVELOPES) this.pending.shift()
    for (const w of waiting) void this.fetchDependency(w)
    return 'pending'
  }

  /** Keep signed EXTERNALIZE envelopes: certificates, catch-up proofs, attestations. */
  private noteExternalize(env: Envelope, bytes: Uint8Array): void {
    const slot = env.statement.slotIndex
    this.noteExternalizeRaw(slot, env.statement.nodeId, env, bytes)
    if (slot <= this.state.header.seq + 1n) {
      this.init.store.addExternalize(slot, env.statement.nodeId, bytes)
      const ours =
        this.externalized.get(slot) ??
        (slot === this.state.header.seq ? LedgerValueType.encode(this.state.header.value) : undefined)
      const p = env.statement.pledges
      if (ours && p.type === 'externalize' && !equalBytes(p.commit.value, ours)) {
        this.disagreeing.add(env.statement.nodeId)
        this.log.error('a validator externalized a different value', { node: env.statement.nodeId, slot })
      }
    }
  }

  private noteExternalizeRaw(slot: bigint, nodeId: string, env: Envelope, bytes: Uint8Array): void {
    let m = this.externalizeEnvelopes.get(slot)
    if (!m) {
      m = new Map()
      this.externalizeEnvelopes.set(slot, m)
    }
    m.set(nodeId, { env, bytes })
  }

  /** The quorum set and transaction sets an envelope needs before SCP can judge it. */
  private dependencies(env: Envelope): Set<string> {
    const need = new Set<string>()
    const p = env.statement.pledges
    if (p.type !== 'externalize' && !this.qsets.has(toHex(p.quorumSetHash)))
      need.add(`q${toHex(p.quorumSetHash)}`)
    for (const v of valuesOf(env)) {
      const dv = LedgerValueType.tryDecode(v)
      if (!dv.ok) continue // SCP's validateValue rejects it
      const h = toHex(dv.value.txSetHash)
      const cached = this.txSets.get(h)
      if (cached?.checkedFor !== toHex(this.state.headerHash)) need.add(`t${h}`)
    }
    return need
  }

  private fetchDependency(dep: string): Promise<void> {
    let p = this.fetching.get(dep)
    if (p) return p
    p = (async () => {
      try {
        const hash = fromHexString(dep.slice(1))
        if (dep[0] === 'q') {
          const bytes = await this.init.network.fetchQuorumSet(hash)
          const q = bytes ? QuorumSetMessage.tryDecode(bytes) : undefined
          if (q?.ok && equalBytes(quorumSetHash(q.value), hash) && isQuorumSetSane(q.value, false).ok) {
            this.qsets.set(dep.slice(1), q.value)
          }
        } else {
          await this.ensureTxSet(hash)
        }
      } catch (err) {
        this.log.debug('fetch failed', { dep, err: (err as Error).message })
      } finally {
        this.fetching.delete(dep)
        this.resolvePending(dep)
      }
    })()
    this.fetching.set(dep, p)
    return p
  }

  /** Have (fetched and checked) the transaction set with this hash. */
  private async ensureTxSet(hash: Uint8Array): Promise<CachedSet | undefined> {
    const h = toHex(hash)
    let cached = this.txSets.get(h)
    if (!cached) {
      const bytes = await this.init.network.fetchTxSet(hash)
      if (!bytes) return undefined
      const d = TransactionSetType.tryDecode(bytes)
      if (!d.ok || !equalBytes(txSetHash(d.value), hash)) return undefined
      cached = { bytes, set: d.value, checkedFor: undefined }
      this.txSets.set(h, cached)
    }
    if (cached.checkedFor !== toHex(this.state.headerHash)) await this.checkSet(cached)
    return cached
  }

  private async checkSet(cached: CachedSet): Promise<void> {
    const lcl = toHex(this.state.headerHash)
    const checks = transactionSetChecks(this.state, this.networkId, cached.set, this.state.header).filter(
      (c) => !this.passed.has(c.id),
    )
    if (checks.length > 0) {
      const ok = await runChecks(checks, { verifier: this.init.verifier, argon2id: this.init.argon2id })
      for (const id of ok) this.passed.add(id)
    }
    // Only if the ledger did not move on while the checks ran.
    if (lcl === toHex(this.state.headerHash)) cached.checkedFor = lcl
  }

  private resolvePending(dep: string): void {
    const ready: Envelope[] = []
    this.pending = this.pending.filter((p) => {
      if (!p.waiting.has(dep) || !this.satisfied(dep)) return true
      p.waiting.delete(dep)
      if (p.waiting.size > 0) return true
      ready.push(p.envelope)
      return false
    })
    // Admitted after the scan: admitting can queue an envelope again (a set checked against a ledger
    // that has since closed is checked once more), which must not feed back into this loop.
    const next = this.state.header.seq + 1n
    for (const env of ready) {
      if (env.statement.slotIndex === next) this.admit(env)
      else if (env.statement.slotIndex > next) this.future.push(env)
    }
  }

  /** Whether a dependency is now present (a failed fetch leaves it missing: tick() retries it). */
  private satisfied(dep: string): boolean {
    if (dep[0] === 'q') return this.qsets.has(dep.slice(1))
    return this.txSets.get(dep.slice(1))?.checkedFor === toHex(this.state.headerHash)
  }

  /** Retry the fetches of dependencies still missing (called every tick). */
  private retryDependencies(): void {
    const deps = new Set<string>()
    for (const p of this.pending) for (const d of p.waiting) deps.add(d)
    for (const d of deps) void this.fetchDependency(d)
  }

  /**
   * A validator peer connected: send it our latest messages for the slot in progress (stellar-core
   * sends its SCP state to a new peer) and the transactions we are holding, which it may have missed.
   */
  peerConnected(peer?: string): void {
    const next = this.state.header.seq + 1n
    const envelopes = this.scp.getLatestMessagesSend(next).map((e) => encodeEnvelope(e))
    const txs = [...this.queue.values()].slice(0, RESEND_MAX_TXS).map((q) => q.bytes)
    if (envelopes.length > 0 || txs.length > 0) this.init.network.resend({ envelopes, txs }, peer)
  }

  /**
   * Transactions still queued a few ledgers after we received them may never have reached the other
   * validators (published while we had no peers, or lost with a peer that went down): send them again,
   * oldest first, at most every RESEND_EVERY_LEDGERS ledger times each (stellar-core rebroadcasts its
   * queue the same way). A transaction that reached everyone costs a peer one duplicate lookup.
   */
  private resendStale(now: number): void {
    const every = RESEND_EVERY_LEDGERS * this.init.closeTimeMs
    const txs: Uint8Array[] = []
    for (const q of this.queue.values()) {
      if (now - q.resentAt < every) continue
      q.resentAt = now
      txs.push(q.bytes)
      if (txs.length >= RESEND_MAX_TXS) break
    }
    if (txs.length > 0) {
      this.log.debug('resending queued transactions', { count: txs.length })
      this.init.network.resend({ txs })
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Serving peers

  txSetBytes(hash: Uint8Array): Uint8Array | undefined {
    const c = this.txSets.get(toHex(hash))
    if (c) return c.bytes
    return undefined
  }
  /** A transaction set of a closed ledger, by hash (the store indexes sets by their hash). */
  storedTxSet(hash: Uint8Array): Uint8Array | undefined {
    return this.init.store.txSetByHash(hash)
  }
  quorumSetBytes(hash: Uint8Array): Uint8Array | undefined {
    const q = this.qsets.get(toHex(hash))
    return q ? QuorumSetMessage.encode(q) : undefined
  }
  ledgerBundle(seq: bigint): LedgerBundle | undefined {
    const r = this.init.store.ledger(seq)
    if (!r) return undefined
    return { header: r.header, txSet: r.txSet, externalizes: this.init.store.externalizes(seq) }
  }
  /** Every validator whose quorum set we know (ours included): the trust graph for light clients. */
  knownQuorumSets(): { id: string; quorumSet: Uint8Array }[] {
    const out = [{ id: this.nodeId, quorumSet: QuorumSetMessage.encode(this.init.quorumSet) }]
    for (const [id, h] of [...this.nodeQsets].sort()) {
      const q = this.qsets.get(h)
      if (q && id !== this.nodeId) out.push({ id, quorumSet: QuorumSetMessage.encode(q) })
    }
    return out
  }

  /** Our latest messages and everyone's we hold for a slot (a restarted peer asks). */
  scpState(slot: bigint): Uint8Array[] {
    const envs = this.scp.getEntireCurrentState(slot, true)
    return envs.map((e) => encodeEnvelope(e))
  }

  // ---------------------------------------------------------------------------------------------
  // Nomination and closing

  private scheduleNomination(delayMs: number): void {
    if (this.stopped) return
    if (this.nominationTimer) this.init.clock.clearTimeout(this.nominationTimer)
    this.nominationTimer = this.init.clock.setTimeout(
      () => {
        this.nominationTimer = undefined
        this.nominate()
      },
      Math.max(0, delayMs),
    )
  }

  private nominate(): void {
    if (this.stopped || !this.scp.isValidator || this.catchingUp) return
    const slot = this.state.header.seq + 1n
    if (this.externalized.has(slot)) return
    const nowSec = BigInt(Math.floor(this.init.clock.now() / 1000))
    const lastClose = this.state.header.value.closeTime
    const closeTime = nowSec > lastClose ? nowSec : lastClose + 1n
    const env = this.nextEnv(closeTime)
    const prevSlotEnvs = [...(this.externalizeEnvelopes.get(this.state.header.seq)?.values() ?? [])]
      .map((x) => x.env)
      .filter((e) => this.inTransitiveQuorum(e.statement.nodeId))
    const attestations = attestationsFrom(
      prevSlotEnvs,
      this.state.header.seq,
      LedgerValueType.encode(this.state.header.value),
    )
    // Their envelopes' signatures were verified on receipt; the compact form rebuilds the same statement.
    for (const a of attestations)
      this.passed.add(attestationCheck(this.networkId, this.state.header.seq, this.state.header.value, a).id)
    const built = buildTransactionSet(
      this.state,
      [...this.queue.values()].map((q) => q.tx),
      env,
      this.state.headerHash,
      attestations,
    )
    for (const ex of built.excluded) {
      if (!ex.reason.startsWith('surge')) this.dequeue(toHex(ex.tx.hash))
    }
    const bytes = TransactionSetType.encode(built.set)
    const hash = txSetHash(built.set)
    this.txSets.set(toHex(hash), { bytes, set: built.set, checkedFor: toHex(this.state.headerHash) })
    const value: LedgerValue = {
      v: 1,
      txSetHash: hash,
      closeTime,
      previousLedgerHash: this.state.headerHash,
      upgrades: this.init.upgrades ?? [],
    }
    const prev = LedgerValueType.encode(this.state.header.value)
    try {
      this.scp.nominate(slot, LedgerValueType.encode(value), prev)
    } catch (err) {
      this.log.warn('nomination refused', { slot, err: (err as Error).message })
    }
  }

  private inTransitiveQuorum(nodeId: string): boolean {
    const seen = new Set<string>()
    const visit = (q: QuorumSet): boolean => {
      if (q.validators.includes(nodeId)) return true
      return q.innerSets.some(visit)
    }
    if (visit(this.init.quorumSet)) return true
    for (const q of this.qsets.values()) {
      const k = JSON.stringify(q.validators)
      if (seen.has(k)) continue
      seen.add(k)
      if (visit(q)) return true
    }
    return false
  }

  private valueExternalized(slot: bigint, value: Uint8Array): void {
    this.externalized.set(slot, value)
    const next = this.state.header.seq + 1n
    if (slot === next) {
      this.closing = this.closing
        .then(() => this.closeSlot(slot))
        .catch((err) => {
          this.log.error('closing a ledger failed', { slot, err: (err as Error).stack ?? String(err) })
        })
    } else if (slot > next) {
      this.closing = this.closing.then(() => this.catchUp(slot - 1n)).then(() => this.closeBuffered())
    }
  }

  private async closeBuffered(): Promise<void> {
    for (;;) {
      const slot = this.state.header.seq + 1n
      if (!this.externalized.has(slot)) return
      await this.closeSlot(slot)
    }
  }

  /** Apply the externalized value of `slot` (= last closed + 1) and persist the ledger. */
  private async closeSlot(slot: bigint): Promise<void> {
    if (slot !== this.state.header.seq + 1n) return
    const valueBytes = this.externalized.get(slot)!
    const value = LedgerValueType.decode(valueBytes)
    const cached = await this.ensureTxSet(value.txSetHash)
    if (!cached) {
      this.log.warn('externalized a set nobody serves yet; retrying', { slot })
      this.init.clock.setTimeout(() => {
        this.closing = this.closing.then(() => this.closeSlot(slot))
      }, 500)
      return
    }
    this.applyValue(slot, value, cached.set, cached.bytes)
  }

  private applyValue(
    slot: bigint,
    value: LedgerValue,
    set: TransactionSet,
    setBytes: Uint8Array,
  ): CloseResult {
    const r = closeLedger(this.state, value, set, {
      networkId: this.networkId,
      passed: this.passed,
      checkInvariants: this.init.checkInvariants === true,
    })
    const record: LedgerRecord = {
      seq: r.header.seq,
      hash: r.headerHash,
      txSetHash: r.header.txSetHash,
      header: LedgerHeaderType.encode(r.header),
      txSet: setBytes,
      results: r.results.map((x) => TransactionResultType.encode(x)),
      txHashes: r.results.map((x) => x.txHash),
      closeTime: r.header.value.closeTime,
    }
    this.init.store.commitLedger(record, r.diff)
    for (const { env, bytes } of this.externalizeEnvelopes.get(slot)?.values() ?? []) {
      this.init.store.addExternalize(slot, env.statement.nodeId, bytes)
    }
    this.init.store.prune(slot)
    this.afterClose(slot, r, value)
    for (const fn of this.listeners) fn(r, record)
    return r
  }

  private afterClose(slot: bigint, r: CloseResult, value: LedgerValue): void {
    const now = this.init.clock.now()
    this.closeTimeSkew = Number(value.closeTime) - now / 1000
    this.lastCloseAt = now
    for (const res of r.results) this.dequeue(toHex(res.txHash))
    // Drop queued transactions the new state makes invalid (spent sequence numbers, emptied balances).
    for (const [k, q] of this.queue) {
      const v = validateTransaction(this.state, q.tx.envelope, this.nextEnv(), q.tx.hash)
      if (v.code !== 'tx_success' && !(v.code === 'tx_bad_seq' && this.isFutureSeq(q.tx.envelope)))
        this.dequeue(k)
    }
    this.passed.rotate()
    this.passed.pin([...this.queue.values()].flatMap((q) => q.checks.map((c) => c.id)))
    this.resendStale(now)
    // Forget what no longer matters: old slots, old sets, old externalize envelopes.
    if (slot > MAX_SLOTS_TO_REMEMBER) this.scp.purgeSlots(slot - MAX_SLOTS_TO_REMEMBER, slot)
    for (const s of [...this.externalized.keys()]) if (s <= slot) this.externalized.delete(s)
    for (const s of [...this.externalizeEnvelopes.keys()])
      if (s + 2n < slot) this.externalizeEnvelopes.delete(s)
    if (this.txSets.size > 64) {
      const keep = new Set([toHex(value.txSetHash)])
      for (const [h] of this.txSets) if (!keep.has(h) && this.txSets.size > 32) this.txSets.delete(h)
    }
    this.log.info('ledger closed', {
      seq: r.header.seq,
      txs: r.header.txCount,
      hash: toHex(r.headerHash).slice(0, 16),
    })
    // Next slot: nominate at the close-time target, counted from this close (stellar-core's trigger).
    this.scheduleNomination(this.init.closeTimeMs)
  }

  // ---------------------------------------------------------------------------------------------
  // Catch-up

  /**
   * Fetch and replay ledgers up to `target` from peers. Each ledger's value must be certified by a
   * quorum slice of our quorum set (signed EXTERNALIZE statements of its slot) and replaying it must
   * give exactly the header peers serve, or catch-up stops there.
   */
  private async catchUp(target: bigint): Promise<void> {
    if (this.catchingUp) return
    this.catchingUp = true
    const start = this.state.header.seq
    try {
      while (this.state.header.seq < target && !this.stopped) {
        const seq = this.state.header.seq + 1n
        const bundle = await this.init.network.fetchLedger(seq)
        if (!bundle) {
          this.log.warn('no peer serves the ledger needed to catch up', { seq })
          return
        }
        const problem = await this.replay(seq, bundle)
        if (problem) {
          this.log.error('catch-up stopped: a peer served a ledger that does not check out', { seq, problem })
          return
        }
      }
      if (this.state.header.seq > start)
        this.log.info('caught up', { from: start, to: this.state.header.seq })
    } finally {
      this.catchingUp = false
    }
  }

  private async replay(seq: bigint, bundle: LedgerBundle): Promise<string | undefined> {
    const h = LedgerHeaderType.tryDecode(bundle.header)
    if (!h.ok) return `header: ${h.error.message}`
    const header = h.value
    if (header.seq !== seq || !equalBytes(header.previousHash, this.state.headerHash))
      return 'header does not follow our last ledger'
    const s = TransactionSetType.tryDecode(bundle.txSet)
    if (!s.ok) return `transaction set: ${s.error.message}`
    if (!equalBytes(txSetHash(s.value), header.value.txSetHash))
      return 'transaction set does not match the header'
    const valueBytes = LedgerValueType.encode(header.value)
    const signers = new Set<string>()
    for (const b of bundle.externalizes) {
      const d = EnvelopeMessage.tryDecode(b)
      if (!d.ok) continue
      const st = d.value.statement
      if (
        st.slotIndex !== seq ||
        st.pledges.type !== 'externalize' ||
        !equalBytes(st.pledges.commit.value, valueBytes)
      )
        continue
      let key: Uint8Array
      try {
        key = parseValidatorId(st.nodeId)
      } catch {
        continue
      }
      if (this.init.ed25519.verifySync(key, statementSignatureBase(this.networkId, st), d.value.signature))
        signers.add(st.nodeId)
    }
    if (!isQuorumSlice(this.init.quorumSet, signers)) {
      return `value certified by ${signers.size} validators, not a slice of our quorum set`
    }
    const checks = transactionSetChecks(this.state, this.networkId, s.value, this.state.header).filter(
      (c) => !this.passed.has(c.id),
    )
    for (const id of await runChecks(checks, { verifier: this.init.verifier, argon2id: this.init.argon2id }))
      this.passed.add(id)
    this.externalized.set(seq, valueBytes)
    for (const b of bundle.externalizes) {
      const d = EnvelopeMessage.tryDecode(b)
      if (d.ok && d.value.statement.slotIndex === seq)
        this.noteExternalizeRaw(seq, d.value.statement.nodeId, d.value, b)
    }
    const r = this.applyValue(seq, header.value, s.value, bundle.txSet)
    if (!equalBytes(r.headerHash, sha256(bundle.header))) {
      // Our replay is authoritative (the value is certified); the peer served a wrong header.
      this.log.warn('a peer served a header that does not match the certified value', { seq })
    }
    return undefined
  }

  // ---------------------------------------------------------------------------------------------
  // Health

  private scheduleTick(): void {
    if (this.stopped) return
    this.tickTimer = this.init.clock.setTimeout(
      () => {
        this.tick()
        this.scheduleTick()
      },
      Math.max(250, this.init.closeTimeMs),
    )
  }

  /** Periodic: notice when peers are ahead (catch up) or consensus stalls (re-broadcast, re-nominate). */
  private tick(): void {
    this.retryDependencies()
    const next = this.state.header.seq + 1n
    let ahead = 0n
    for (const h of this.heard.values()) if (h.slot > ahead) ahead = h.slot
    const stalledMs = this.init.clock.now() - this.lastCloseAt
    // Peers talking about a slot beyond our next one have closed our next one: when that lasts (we
    // closed nothing for two ledger times), fetch what they closed instead of waiting for SCP
    // messages we may have missed while starting or catching up.
    if (ahead > next && !this.catchingUp && (ahead > next + 1n || stalledMs > 2 * this.init.closeTimeMs)) {
      this.closing = this.closing.then(() => this.catchUp(ahead - 1n)).then(() => this.closeBuffered())
    }
    if (stalledMs > this.outOfSyncMs() && this.scp.isValidator) {
      // Out-of-sync recovery (HerderImpl::outOfSyncRecovery): re-send our latest messages and ask again.
      const envelopes = this.scp.getLatestMessagesSend(next).map((e) => encodeEnvelope(e))
      if (envelopes.length > 0) this.init.network.resend({ envelopes })
      void this.askPeersForState(next)
    }
  }

  private outOfSyncMs(): number {
    return Math.max(5_000, 7 * this.init.closeTimeMs)
  }

  status(): NodeStatus {
    const now = this.init.clock.now()
    const members: QuorumHealth['members'] = []
    const ids = new Set<string>()
    const collect = (q: QuorumSet) => {
      for (const v of q.validators) ids.add(v)
      q.innerSets.forEach(collect)
    }
    collect(this.init.quorumSet)
    const recent = new Set<string>()
    for (const id of [...ids].sort()) {
      const h = id === this.nodeId ? { at: now, slot: this.state.header.seq + 1n } : this.heard.get(id)
      members.push({ id, lastHeardMsAgo: h ? now - h.at : undefined, lastSlot: h?.slot })
      if (h && now - h.at <= this.outOfSyncMs()) recent.add(id)
    }
    const missing = [...ids].filter((id) => !recent.has(id))
    const canCloseLedgers = isQuorumSlice(this.init.quorumSet, recent)
    const failAt = findClosestVBlocking(this.init.quorumSet, recent, this.nodeId).length
    const sinceClose = now - this.lastCloseAt
    let reason = ''
    let synced = sinceClose <= this.outOfSyncMs() && !this.catchingUp
    if (this.catchingUp) reason = 'catching up with the network'
    else if (!synced) {
      reason = canCloseLedgers
        ? `no ledger closed for ${Math.round(sinceClose / 1000)} s although a quorum slice is reachable; check clocks and logs`
        : `no ledger closed for ${Math.round(sinceClose / 1000)} s: not enough of the quorum set is reachable (missing: ${missing.join(', ') || 'none'})`
    }
    if (isVBlocking(this.init.quorumSet, this.disagreeing)) {
      synced = false
      reason = `validators that block our quorum externalized different values: ${[...this.disagreeing].join(', ')}`
    }
    const drift = this.closeTimeSkew
    if (synced && drift !== undefined && Math.abs(drift) > 30)
      reason = `ledger close times differ from this clock by ${Math.round(drift)} s`
    return {
      nodeId: this.nodeId,
      validator: this.scp.isValidator,
      ledger: {
        seq: this.state.header.seq,
        hash: toHex(this.state.headerHash),
        closeTime: this.state.header.value.closeTime,
        day: this.state.header.day,
      },
      synced,
      reason,
      queue: this.queue.size,
      lastCloseMsAgo: sinceClose,
      quorum: { members, missing, disagree: [...this.disagreeing], failAt, canCloseLedgers },
      clockDriftSeconds: drift,
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The SCP driver

  private driver(): ScpDriver {
    return {
      signEnvelope: (env) => {
        env.signature = this.init.ed25519.signSync(
          this.init.seed,
          statementSignatureBase(this.networkId, env.statement),
        )
      },
      getQuorumSet: (hash) => this.qsets.get(toHex(hash)),
      validateValue: (slot, value, _nomination) => this.validateValue(slot, value),
      extractValidValue: () => undefined,
      combineCandidates: (_slot, candidates) => {
        const values = candidates.flatMap((c) => {
          const d = LedgerValueType.tryDecode(c)
          return d.ok ? [d.value] : []
        })
        const combined = combineCandidates(
          values,
          (h) => {
            const c = this.txSets.get(toHex(h))
            const v = c && this.setValidation(c, values.find((x) => equalBytes(x.txSetHash, h))?.closeTime)
            return v?.ok ? { ops: v.ops, fees: v.fees } : undefined
          },
          (v) => LedgerValueType.encode(v),
        )
        return combined ? LedgerValueType.encode(combined) : undefined
      },
      emitEnvelope: (env) => {
        const bytes = encodeEnvelope(env)
        this.log.debug('emit', { slot: env.statement.slotIndex, type: env.statement.pledges.type })
        const kind = env.statement.pledges.type === 'nominate' ? 'nomination' : 'ballot'
        this.init.store.saveOwnEnvelope(env.statement.slotIndex, kind, bytes)
        if (env.statement.pledges.type === 'externalize') this.noteExternalize(env, bytes)
        this.init.network.broadcast('scp', bytes)
      },
      valueExternalized: (slot, value) => this.valueExternalized(slot, value),
      computeHashNode: (slot, prev, isPriority, round, nodeId) =>
        defaultComputeHashNode(slot, prev, isPriority, round, nodeId),
      computeValueHash: (slot, prev, round, value) => defaultComputeValueHash(slot, prev, round, value),
      computeTimeout: (round) => defaultComputeTimeout(round),
      setupTimer: (slot, timerId, ms, cb) => this.setupTimer(slot, timerId, ms, cb),
      stopTimer: (slot, timerId) => this.setupTimer(slot, timerId, 0, null),
    }
  }

  private setupTimer(slot: bigint, timerId: TimerId, ms: number, cb: (() => void) | null): void {
    const k = `${slot}:${timerId}`
    const old = this.timers.get(k)
    if (old !== undefined) this.init.clock.clearTimeout(old)
    this.timers.delete(k)
    if (cb && !this.stopped) {
      this.timers.set(
        k,
        this.init.clock.setTimeout(() => {
          this.timers.delete(k)
          cb()
        }, ms),
      )
    }
  }

  /** A set's validity for the next ledger at a close time, cached per (last ledger, close time). */
  private setValidation(c: CachedSet, closeTime?: bigint): SetValidation {
    const key = `${toHex(this.state.headerHash)}:${closeTime ?? ''}`
    if (c.validation?.lcl !== key) {
      c.validation = {
        lcl: key,
        result: validateTransactionSet(this.state, c.set, this.nextEnv(closeTime), this.lastClosed),
      }
    }
    return c.validation.result
  }

  private validateValue(slot: bigint, bytes: Uint8Array): ValidationLevel {
    const d = LedgerValueType.tryDecode(bytes)
    if (!d.ok) return 'invalid'
    const value = d.value
    if (slot !== this.state.header.seq + 1n) return slot > this.state.header.seq ? 'maybeValid' : 'invalid'
    const nowSec = BigInt(Math.floor(this.init.clock.now() / 1000))
    const shape = validateValueShape(
      value,
      this.state,
      this.state.headerHash,
      this.state.header.value.closeTime,
      nowSec,
    )
    if (shape.level !== 'fullyValidated') return shape.level
    const c = this.txSets.get(toHex(value.txSetHash))
    if (c?.checkedFor !== toHex(this.state.headerHash)) return 'maybeValid'
    const v = this.setValidation(c, value.closeTime)
    if (!v.ok) this.log.debug('invalid transaction set proposed', { slot, reason: v.reason })
    return v.ok ? 'fullyValidated' : 'invalid'
  }
}

function valuesOf(env: Envelope): Uint8Array[] {
  const p = env.statement.pledges
  switch (p.type) {
    case 'nominate':
      return [...p.votes, ...p.accepted]
    case 'prepare':
      return [
        p.ballot.value,
        ...(p.prepared ? [p.prepared.value] : []),
        ...(p.preparedPrime ? [p.preparedPrime.value] : []),
      ]
    case 'confirm':
      return [p.ballot.value]
    case 'externalize':
      return [p.commit.value]
  }
}

function fromHexString(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16)
  return out
}
