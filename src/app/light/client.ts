/**
 * The PWA's light client (PRODUCT §4.8, docs/light-client.md): it talks to several relays over libp2p
 * and checks what they say instead of trusting them.
 *
 *  - A header is accepted only with signed EXTERNALIZE statements of the next slot from validators that
 *    satisfy the trusted quorum set (src/core/light/verify.ts); the set is chosen by PageRank over the
 *    quorum sets validators signed (src/core/light/trust.ts) unless the user sets one.
 *  - Balances and other entries are checked with state proofs, transactions with inclusion proofs and
 *    payslips with the day's payout root, all against accepted headers.
 *  - Every question goes to every connected relay; answers are compared. A relay whose answer fails a
 *    check gets a 'forged' alarm and is not used; two certified headers at one height are a
 *    'disagreement'; no acceptable header is 'no-quorum'; no relay answering is 'unreachable'; an old
 *    newest header is 'stale'.
 *  - What was verified is kept (IndexedDB in the browser) and served, marked `fromCache`, when no relay
 *    answers; submissions made offline are queued and sent when a relay is back.
 *
 * Runs in the browser and in Node (tests): the network comes through a LightTransport, storage through
 * a VerifiedStore, Ed25519 through the platform picker.
 */
import { toHex } from '../../core/codec/bytes.js'
import { sha256 } from '../../core/codec/hash.js'
import type { Ed25519 } from '../../core/crypto/ed25519.js'
import { parseAccountAddress, parseValidatorId } from '../../core/crypto/strkey.js'
import {
  type Account,
  type Entry,
  type EntryKey,
  EntryType,
  TransactionEnvelopeType,
  transactionHash,
  verifyPayslip,
} from '../../core/ledger/index.js'
import {
  attestedQuorumSets,
  type CertifiedHeader,
  chooseTrustedQuorumSet,
  explainTrust,
  type HeaderCheck,
  type LightRequest,
  LightRequestType,
  type LightResponse,
  LightResponseType,
  MAX_ENTRY_KEYS,
  signedQuorumSetHashes,
  type TrustExplanation,
  verifyCertifiedHeader,
  verifyEntry,
  verifyTransactionResult,
} from '../../core/light/index.js'
import type { SmtProof } from '../../core/merkle/smt.js'
import { QuorumSetMessage } from '../../core/scp/codec.js'
import { allNodes, isQuorumSetSane } from '../../core/scp/quorum.js'
import type { QuorumSet } from '../../core/scp/types.js'
import type { BrowserNode } from '../../net/browser-node.js'
import { errorText, type Logger, silentLogger } from '../../net/log.js'
import { pickEd25519 } from '../../platform/ed25519.js'
import { InvalidInputError, LightClientNotStartedError, OfflineError, UnverifiedError } from './errors.js'
import { idbAvailable, idbStore } from './idb-store.js'
import {
  type CachedDay,
  type CachedEntries,
  type CachedHeader,
  type CachedPayslip,
  type CachedTrust,
  type CachedTx,
  cachedHeader,
  dayInfo,
  decodeEntry,
  describeKey,
  entryCacheKey,
  fromCachedHeader,
  headerOf,
  type QueuedTx,
  type RejectedTx,
  seqKey,
} from './records.js'
import { memoryStore, type VerifiedStore } from './store.js'
import type { LightTransport } from './transport.js'
import type {
  Alarm,
  AlarmKind,
  DayInfo,
  LightClientInit,
  LightSnapshot,
  PayslipResult,
  SubmitResult,
  TxStatus,
  VerifiedHeader,
} from './types.js'

export type {
  Alarm,
  AlarmKind,
  DayInfo,
  LightClientInit,
  LightSnapshot,
  PayslipResult,
  RelayStatus,
  SubmitResult,
  TxStatus,
  VerifiedHeader,
} from './types.js'

type Signal = { signal?: AbortSignal }

// -------------------------------------------------------------------------------------------------
// Constants (each with its reason)

/** Poll every 5 s: the ledger closes every 5 s on the live network (PRODUCT §4.2). */
export const DEFAULT_POLL_INTERVAL_MS = 5_000
/** Twelve missed closes: long enough to ride out a slow round, short enough to warn while it matters. */
export const DEFAULT_STALE_AFTER_MS = 60_000
/** Below the `light` protocol's 10 s deadline, so a dead relay does not hold an answer for longer. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 8_000
/** A dial that has not completed in 5 s is treated as failed (a relay on the other side of the world takes < 1 s). */
export const CONNECT_TIMEOUT_MS = 5_000
/** Reconnect backoff per relay: from 1 s, doubling, to 30 s. */
export const RECONNECT_MIN_MS = 1_000
export const RECONNECT_MAX_MS = 30_000
/** Relays dialled at once: several to compare, few enough for a phone (BROWSER_MAX_CONNECTIONS = 20). */
export const MAX_RELAYS = 8
/** Poll rounds without an acceptable header before 'no-quorum' (a fresh certificate may still be filling up). */
export const NO_QUORUM_ROUNDS = 3
/** Re-rank validators this often: the trust graph changes when validators change their quorum sets. */
export const TRUST_REFRESH_MS = 10 * 60_000
/** Accepted headers kept (memory and storage): the chart's ~30 points. */
export const KEEP_HEADERS = 30
/** A hidden page (another tab, the phone's screen off) polls this many times less often: battery and radio. */
export const HIDDEN_POLL_FACTOR = 6
/** Event alarms kept; older ones drop off. */
export const MAX_ALARMS = 50

const EMPTY_QSET: QuorumSet = { threshold: 0, validators: [], innerSets: [] }
const CONDITION_KINDS: ReadonlySet<AlarmKind> = new Set(['no-quorum', 'unreachable', 'stale'])

// -------------------------------------------------------------------------------------------------
// Internal state

interface Relay {
  addr: string
  peerId: string
  connected: boolean
  latestSeq?: bigint
  nodeId?: string
  lastError?: string
  backoffMs: number
  nextAttemptAt: number
  connecting?: Promise<void> | undefined
}

interface Trust {
  quorumSet: QuorumSet
  chosenBy: 'pagerank' | 'user'
  ranking: { id: string; score: number }[]
  explanation?: TrustExplanation
  at: number
}

type HeaderVerdict =
  | { ok: true; header: VerifiedHeader }
  | { ok: false; reason: string; forged: boolean; seq?: bigint; hash?: Uint8Array }

const hex = toHex

function pageHidden(): boolean {
  return (globalThis as { document?: { hidden?: boolean } }).document?.hidden === true
}

function peerIdOfAddr(addr: string): string {
  const m = /\/p2p\/([^/]+)\/?$/.exec(addr)
  return m?.[1] ?? ''
}

function abortError(signal: AbortSignal | undefined): Error {
  const r = signal?.reason
  return r instanceof Error
    ? r
    : Object.assign(new Error('the operation was aborted'), { name: 'AbortError' })
}

// -------------------------------------------------------------------------------------------------

export class LightClient {
  readonly #init: LightClientInit
  readonly #log: Logger
  readonly #now: () => number
  readonly #pollMs: number
  readonly #staleMs: number
  readonly #timeoutMs: number
  readonly #relays: Relay[]
  #store: VerifiedStore | undefined
  #ownStore = false
  #ed: Ed25519 | undefined
  #transport: LightTransport | undefined
  #unsubscribeDisconnect: (() => void) | undefined
  #life = new AbortController()
  #started = false
  #starting: Promise<void> | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #round: Promise<void> | undefined

  #trust: Trust | undefined
  #userTrusted: QuorumSet | undefined
  /** Headers verified under the current trusted set, by hash (hex). */
  readonly #verified = new Map<string, VerifiedHeader>()
  /** The first accepted header at each height and who served it. */
  readonly #bySeq = new Map<bigint, { hash: string; relays: Set<string> }>()
  #latest: VerifiedHeader | undefined
  #recent: VerifiedHeader[] = []
  /** Uncertified headers relays served, to classify once the height's certified header is known. */
  readonly #suspects = new Map<bigint, Map<string, Set<string>>>()
  readonly #lookups = new Map<bigint, Promise<VerifiedHeader | undefined>>()
  #alarms: Alarm[] = []
  #online = false
  #noQuorumRounds = 0
  #lastNoQuorumDetail = ''
  #queued = 0
  #flushed: LightSnapshot['flushed'] = []
  readonly #listeners = new Set<(s: LightSnapshot) => void>()
  #snapshot: LightSnapshot

  constructor(init: LightClientInit) {
    if (!(init.networkId instanceof Uint8Array) || init.networkId.length !== 32)
      throw new InvalidInputError('LightClient: expected a 32-byte networkId')
    this.#init = init
    this.#log = (init.log ?? silentLogger)('app:light')
    this.#now = init.now ?? Date.now
    this.#pollMs = init.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
    this.#staleMs = init.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
    this.#timeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    const seen = new Set<string>()
    this.#relays = []
    for (const addr of init.relays) {
      if (seen.has(addr) || this.#relays.length >= MAX_RELAYS) continue
      seen.add(addr)
      this.#relays.push({
        addr,
        peerId: peerIdOfAddr(addr),
        connected: false,
        backoffMs: RECONNECT_MIN_MS,
        nextAttemptAt: 0,
      })
    }
    if (init.trusted) {
      this.#checkQuorumSet(init.trusted)
      this.#userTrusted = init.trusted
      this.#trust = { quorumSet: init.trusted, chosenBy: 'user', ranking: [], at: 0 }
    }
    this.#snapshot = this.#build()
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Load what was verified before, connect to the relays, rank the validators (unless the user chose a
   * set), accept the newest certified header, then keep polling. Resolves after the first round whether
   * or not a relay answered (the alarms and `online` say how it went); rejects only if `signal` aborts.
   */
  start(options: Signal = {}): Promise<void> {
    if (this.#starting) return this.#starting
    this.#starting = this.#start(options.signal).catch(async (err: unknown) => {
      await this.stop()
      throw err
    })
    return this.#starting
  }

  async #start(signal: AbortSignal | undefined): Promise<void> {
    this.#life = new AbortController()
    const abort = () => this.#life.abort(abortError(signal))
    signal?.addEventListener('abort', abort, { once: true })
    try {
      signal?.throwIfAborted()
      this.#ed = this.#init.ed25519 ?? (await pickEd25519())
      this.#store = this.#init.storage ?? (await defaultStore())
      this.#ownStore = this.#init.storage === undefined
      await this.#loadCache()
      signal?.throwIfAborted()
      const factory = this.#init.transport ?? (await import('./libp2p-transport.js')).libp2pTransport
      this.#transport = await factory({
        networkId: this.#init.networkId,
        allowInsecureLocal: this.#init.allowInsecureLocal ?? false,
      })
      this.#unsubscribeDisconnect = this.#transport.onDisconnect((peerId) => {
        for (const r of this.#relays) {
          if (r.peerId === peerId && r.connected) {
            r.connected = false
            r.nextAttemptAt = this.#now()
            this.#log.info('relay disconnected', { relay: r.addr })
          }
        }
        this.#emit()
      })
      this.#started = true
      signal?.throwIfAborted()
      await this.#runRound()
      signal?.throwIfAborted()
      this.#schedule()
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }

  /** Stop polling, abort everything in flight, close the network (and the store, if the client opened it). */
  async stop(): Promise<void> {
    this.#started = false
    this.#starting = undefined
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#life.abort(Object.assign(new Error('the light client stopped'), { name: 'AbortError' }))
    await this.#round?.catch(() => {})
    this.#unsubscribeDisconnect?.()
    this.#unsubscribeDisconnect = undefined
    const t = this.#transport
    this.#transport = undefined
    await t
      ?.stop()
      .catch((err: unknown) => this.#log.warn('transport stop failed', { error: errorText(err) }))
    for (const r of this.#relays) r.connected = false
    this.#online = false
    if (this.#ownStore) await this.#store?.close().catch(() => {})
    this.#emit()
  }

  snapshot(): LightSnapshot {
    return this.#snapshot
  }

  /** Call `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (s: LightSnapshot) => void): () => void {
    this.#listeners.add(fn)
    return () => this.#listeners.delete(fn)
  }

  /** The libp2p node under the default transport (for WebRTC and other protocols), if it is running. */
  p2p(): BrowserNode | undefined {
    return (this.#transport as { node?: BrowserNode } | undefined)?.node
  }

  /** Forget event alarms (forged, disagreement) after the user has seen them. */
  clearAlarms(): void {
    this.#alarms = this.#alarms.filter((a) => CONDITION_KINDS.has(a.kind))
    this.#emit()
  }

  /** Ask the relays now instead of at the next poll. */
  async refresh(options: Signal = {}): Promise<void> {
    this.#requireStarted()
    options.signal?.throwIfAborted()
    // An explicit refresh retries every relay now, whatever its reconnect backoff says.
    for (const r of this.#relays) r.nextAttemptAt = 0
    await this.#runRound()
  }

  /**
   * Set the trusted quorum set (the user's choice), or `undefined` to go back to PageRank. Headers are
   * verified again under the new set from now on.
   */
  setTrusted(q: QuorumSet | undefined): void {
    if (q) this.#checkQuorumSet(q)
    this.#userTrusted = q
    this.#verified.clear()
    if (q) {
      this.#trust = { quorumSet: q, chosenBy: 'user', ranking: this.#trust?.ranking ?? [], at: this.#now() }
      void this.#store?.put('meta', 'trusted-user', QuorumSetMessage.encode(q)).catch(() => {})
    } else {
      this.#trust = undefined
      void this.#store?.delete('meta', 'trusted-user').catch(() => {})
    }
    this.#emit()
    if (this.#started) void this.#runRound().catch(() => {})
  }

  // -----------------------------------------------------------------------------------------------
  // Questions

  /** Verified account (undefined if the proof shows it does not exist), as of `header`. */
  async account(
    address: string,
    options: Signal = {},
  ): Promise<{ account: Account | undefined; header: VerifiedHeader; fromCache: boolean }> {
    let id: Uint8Array
    try {
      id = parseAccountAddress(address)
    } catch (err) {
      throw new InvalidInputError(`not an account address: ${errorText(err)}`)
    }
    const key: EntryKey = { type: 'account', id }
    const r = await this.#proveEntries([key], { type: 'account', id }, options.signal)
    const e = r.entries[0]
    return { account: e?.type === 'account' ? e : undefined, header: r.header, fromCache: r.fromCache }
  }

  /** Any state entries (at most MAX_ENTRY_KEYS), verified against one certified header. */
  async entries(
    keys: EntryKey[],
    options: Signal = {},
  ): Promise<{ entries: (Entry | undefined)[]; header: VerifiedHeader; fromCache: boolean }> {
    if (keys.length < 1 || keys.length > MAX_ENTRY_KEYS)
      throw new InvalidInputError(`entries: expected 1..${MAX_ENTRY_KEYS} keys, got ${keys.length}`)
    return this.#proveEntries(keys, { type: 'entries', keys }, options.signal)
  }

  /** The mining day's parameters a check-in needs, from the verified params and day entries. */
  async day(options: Signal = {}): Promise<DayInfo> {
    this.#requireStarted()
    let guess = this.#latest?.day
    let last: { entries: (Entry | undefined)[]; header: VerifiedHeader; fromCache: boolean } | undefined
    for (let attempt = 0; attempt < 3; attempt++) {
      // The day of the certified header is not known before the answer: ask for the guess and the next.
      const keys: EntryKey[] = [{ type: 'params' }, { type: 'pools' }]
      if (guess !== undefined) keys.push({ type: 'day', day: guess }, { type: 'day', day: guess + 1n })
      let r: typeof last
      try {
        r = await this.#proveEntries(keys, { type: 'entries', keys }, options.signal, { cache: false })
      } catch (err) {
        const name = (err as Error).name
        if (name !== 'OfflineError' && name !== 'UnverifiedError') throw err
        const cached = await this.#cachedDay()
        if (cached) return cached
        throw err
      }
      last = r
      const d = r.header.day
      const idx = guess === undefined ? -1 : d === guess ? 2 : d === guess + 1n ? 3 : -1
      const params = r.entries[0]
      const pools = r.entries[1]
      const dayEntry = idx > 0 ? r.entries[idx] : undefined
      if (idx < 0 || params?.type !== 'params' || pools?.type !== 'pools') {
        guess = d
        continue
      }
      if (dayEntry?.type !== 'day')
        throw new UnverifiedError(`the certified state has no entry for day ${d}, the day of its own header`)
      await this.#put('meta', 'day', {
        params: EntryType.encode(params),
        pools: EntryType.encode(pools),
        day: EntryType.encode(dayEntry),
        header: cachedHeader(r.header),
      } satisfies CachedDay)
      return dayInfo(params, pools, dayEntry, r.header, false)
    }
    throw new UnverifiedError(
      `the mining day kept moving while it was being read (last seen: ${last?.header.day})`,
    )
  }

  /** Submit signed transaction bytes to every connected relay; queued when none answers. */
  async submit(tx: Uint8Array, options: Signal = {}): Promise<SubmitResult> {
    this.#requireStarted()
    const d = TransactionEnvelopeType.tryDecode(tx)
    if (!d.ok) return { status: 'rejected', hash: sha256(tx), code: 'tx_malformed', reason: d.error.message }
    const hash = transactionHash(this.#init.networkId, d.value.tx)
    const sent = await this.#send(tx, hash, options.signal)
    if (sent) return sent
    await this.#put('queue', hex(hash), { tx: tx.slice(), hash, queuedAt: this.#now() } satisfies QueuedTx)
    await this.#countQueue()
    this.#emit()
    return { status: 'queued', hash }
  }

  /** Transactions queued while offline. */
  async queue(): Promise<{ hash: Uint8Array; tx: Uint8Array; queuedAt: number }[]> {
    const rows = await this.#requireStore().list<QueuedTx>('queue')
    return rows.map((r) => r.value).sort((a, b) => a.queuedAt - b.queuedAt)
  }

  /** Where a transaction is: pending, then applied or failed with the result verified by an inclusion proof. */
  async txStatus(hash: Uint8Array, options: Signal = {}): Promise<TxStatus> {
    this.#requireStarted()
    if (!(hash instanceof Uint8Array) || hash.length !== 32)
      throw new InvalidInputError('txStatus: expected a 32-byte transaction hash')
    const key = hex(hash)
    const store = this.#requireStore()
    if (await store.get<QueuedTx>('queue', key)) return { status: 'pending', verified: false, queued: true }
    const cached = await store.get<CachedTx & RejectedTx>('txs', key)
    const cachedHeaderV = fromCachedHeader(cached?.header)
    if (cached?.result && cachedHeaderV) {
      // A verified result is final: a certified ledger never changes.
      return {
        status: cached.status,
        result: cached.result,
        ledger: cached.ledger,
        verified: true,
        fromCache: true,
      }
    }
    const asked = await this.#askAll({ type: 'tx', hash }, options.signal)
    let best: TxStatus | undefined
    let bestHeader: VerifiedHeader | undefined
    const rank = (s: TxStatus): number =>
      s.verified ? 3 : s.claimedApplied ? 2 : s.status === 'pending' ? 1 : 0
    const reasons: { relay: string; reason: string }[] = []
    const suspects: { relay: Relay; verdict: Extract<HeaderVerdict, { ok: false }> }[] = []
    for (const { relay, response } of asked.answers) {
      let s: TxStatus | undefined
      if (response.type === 'tx') {
        if (response.status === 'applied' && response.certified) {
          const v = await this.#checkHeader(relay, response.certified)
          if (!v.ok) {
            reasons.push({ relay: relay.addr, reason: v.reason })
            if (!v.forged) suspects.push({ relay, verdict: v })
            s = { status: 'pending', verified: false, claimedApplied: true }
          } else if (response.index === undefined || !response.result || !response.proof) {
            this.#forged(
              relay,
              `its answer for transaction ${key.slice(0, 12)}… claims it applied but carries no inclusion proof`,
            )
            reasons.push({ relay: relay.addr, reason: 'no inclusion proof' })
          } else {
            const r = verifyTransactionResult(
              v.header.header,
              response.index,
              response.result,
              response.proof,
              hash,
            )
            if (!r.ok) {
              this.#forged(relay, `transaction ${key.slice(0, 12)}… in ledger ${v.header.seq}: ${r.reason}`)
              reasons.push({ relay: relay.addr, reason: r.reason })
            } else {
              s = {
                status: r.result.code === 'tx_success' ? 'applied' : 'failed',
                result: r.result,
                ledger: v.header.seq,
                verified: true,
              }
              if (!best?.verified) bestHeader = v.header
            }
          }
        } else if (response.status === 'applied') {
          s = { status: 'pending', verified: false, claimedApplied: true }
        } else {
          s = { status: response.status, verified: false }
        }
      } else if (response.type === 'error') {
        reasons.push({ relay: relay.addr, reason: `${response.code}: ${response.message}` })
      } else {
        this.#forged(relay, `it answered a transaction query with a ${response.type} response`)
      }
      if (s && (!best || rank(s) > rank(best))) best = s
    }
    await this.#classifySuspects(suspects, options.signal)
    this.#emit()
    if (best?.verified && best.result && best.ledger !== undefined && bestHeader) {
      await this.#put('txs', key, {
        status: best.status as 'applied' | 'failed',
        result: best.result,
        ledger: best.ledger,
        header: cachedHeader(bestHeader),
      } satisfies CachedTx)
    }
    if (best)
      return cached?.rejected && best.status === 'unknown' ? { ...best, rejected: cached.rejected } : best
    if (cached?.rejected) return { status: 'unknown', verified: false, rejected: cached.rejected }
    if (asked.reached === 0)
      throw new OfflineError('no relay answered and this transaction is not known locally')
    throw new UnverifiedError('no relay gave a usable answer about this transaction', reasons)
  }

  /** The payslip of an account for a closed day, verified against the day's payout root in a certified state. */
  async payslip(address: string, day: bigint, options: Signal = {}): Promise<PayslipResult | undefined> {
    this.#requireStarted()
    let id: Uint8Array
    try {
      id = parseAccountAddress(address)
    } catch (err) {
      throw new InvalidInputError(`not an account address: ${errorText(err)}`)
    }
    const cacheKey = `${hex(id)}:${day}`
    const store = this.#requireStore()
    const asked = await this.#askAll({ type: 'payslip', account: id, day }, options.signal)
    const reasons: { relay: string; reason: string }[] = []
    const suspects: { relay: Relay; verdict: Extract<HeaderVerdict, { ok: false }> }[] = []
    let closedSeen = false
    for (const { relay, response } of asked.answers) {
      if (response.type === 'error') {
        reasons.push({ relay: relay.addr, reason: `${response.code}: ${response.message}` })
        continue
      }
      if (response.type !== 'payslip') {
        this.#forged(relay, `it answered a payslip query with a ${response.type} response`)
        continue
      }
      const v = await this.#checkHeader(relay, response.certified)
      if (!v.ok) {
        reasons.push({ relay: relay.addr, reason: v.reason })
        if (!v.forged) suspects.push({ relay, verdict: v })
        continue
      }
      const e = verifyEntry(v.header.header, { type: 'day', day }, response.day, response.dayProof)
      if (!e.ok || e.entry?.type !== 'day') {
        this.#forged(
          relay,
          `day ${day} in ledger ${v.header.seq}: ${e.ok ? 'the entry is not a day entry' : e.reason}`,
        )
        continue
      }
      const dayEntry = e.entry
      if (!dayEntry.closed || !dayEntry.payoutRoot) {
        reasons.push({ relay: relay.addr, reason: `day ${day} is not closed in ledger ${v.header.seq}` })
        continue
      }
      closedSeen = true
      if (!response.payslip) {
        reasons.push({
          relay: relay.addr,
          reason: 'no payslip for this account (it did not mine that day, or the relay withholds it)',
        })
        continue
      }
      const p = verifyPayslip(dayEntry.payoutRoot, id, response.payslip)
      if (!p.ok || response.payslip.day !== day) {
        this.#forged(relay, `payslip of day ${day}: ${p.ok ? 'it is for another day' : p.reason}`)
        continue
      }
      const result = { record: p.record, dayEntry, header: v.header }
      await this.#put('payslips', cacheKey, {
        record: p.record,
        day: EntryType.encode(dayEntry),
        header: cachedHeader(v.header),
      } satisfies CachedPayslip)
      await this.#classifySuspects(suspects, options.signal)
      this.#emit()
      return result
    }
    await this.#classifySuspects(suspects, options.signal)
    this.#emit()
    if (closedSeen) return undefined
    const cached = await store.get<CachedPayslip>('payslips', cacheKey)
    const ch = fromCachedHeader(cached?.header)
    const cd = decodeEntry(cached?.day)
    if (cached && ch && cd?.type === 'day')
      return { record: cached.record, dayEntry: cd, header: ch, fromCache: true }
    if (asked.reached === 0) throw new OfflineError('no relay answered and no payslip of this day is stored')
    if (reasons.every((r) => r.reason.includes('not closed') || r.reason.startsWith('not_found')))
      return undefined
    throw new UnverifiedError(`no verified payslip for day ${day}`, reasons)
  }

  // -----------------------------------------------------------------------------------------------
  // Proving entries

  async #proveEntries(
    keys: EntryKey[],
    request: LightRequest,
    signal: AbortSignal | undefined,
    opts: { cache?: boolean } = {},
  ): Promise<{ entries: (Entry | undefined)[]; header: VerifiedHeader; fromCache: boolean }> {
    this.#requireStarted()
    const asked = await this.#askAll(request, signal)
    const reasons: { relay: string; reason: string }[] = []
    const suspects: { relay: Relay; verdict: Extract<HeaderVerdict, { ok: false }> }[] = []
    let best:
      | { entries: (Entry | undefined)[]; bytes: (Uint8Array | null)[]; header: VerifiedHeader }
      | undefined
    for (const { relay, response } of asked.answers) {
      const got = this.#provenEntriesOf(response, keys.length)
      if (got === undefined) {
        if (response.type === 'error')
          reasons.push({ relay: relay.addr, reason: `${response.code}: ${response.message}` })
        else this.#forged(relay, `it answered an entry query with a malformed ${response.type} response`)
        continue
      }
      const v = await this.#checkHeader(relay, got.certified)
      if (!v.ok) {
        reasons.push({ relay: relay.addr, reason: v.reason })
        if (!v.forged) suspects.push({ relay, verdict: v })
        continue
      }
      const entries: (Entry | undefined)[] = []
      let failed = false
      keys.forEach((key, i) => {
        if (failed) return
        const item = got.items[i]!
        const e = verifyEntry(v.header.header, key, item.entry, item.proof)
        if (!e.ok) {
          failed = true
          this.#forged(relay, `${describeKey(key)} in ledger ${v.header.seq}: ${e.reason}`)
          reasons.push({ relay: relay.addr, reason: e.reason })
        } else entries.push(e.entry)
      })
      if (failed) continue
      if (!best || v.header.seq > best.header.seq)
        best = { entries, bytes: got.items.map((x) => x.entry ?? null), header: v.header }
    }
    await this.#classifySuspects(suspects, signal)
    this.#emit()
    const cacheKey = keys.map(entryCacheKey).join('|')
    if (best) {
      if (opts.cache !== false)
        await this.#put('entries', cacheKey, {
          entries: best.bytes,
          header: cachedHeader(best.header),
          at: this.#now(),
        } satisfies CachedEntries)
      return { entries: best.entries, header: best.header, fromCache: false }
    }
    if (opts.cache !== false) {
      const cached = await this.#requireStore().get<CachedEntries>('entries', cacheKey)
      const h = fromCachedHeader(cached?.header)
      if (cached && h && Array.isArray(cached.entries) && cached.entries.length === keys.length)
        return { entries: cached.entries.map(decodeEntry), header: h, fromCache: true }
    }
    if (asked.reached === 0)
      throw new OfflineError('no relay answered and nothing verified is stored for this')
    throw new UnverifiedError('no relay gave an answer that verifies', reasons)
  }

  #provenEntriesOf(
    r: LightResponse,
    n: number,
  ):
    | { certified: CertifiedHeader; items: { entry?: Uint8Array | undefined; proof: SmtProof }[] }
    | undefined {
    if (r.type === 'account' && n === 1)
      return { certified: r.certified, items: [{ entry: r.entry, proof: r.proof }] }
    if (r.type === 'entries' && r.entries.length === n) return { certified: r.certified, items: r.entries }
    return undefined
  }

  async #cachedDay(): Promise<DayInfo | undefined> {
    const c = await this.#requireStore().get<CachedDay>('meta', 'day')
    const h = fromCachedHeader(c?.header)
    const p = decodeEntry(c?.params)
    const o = decodeEntry(c?.pools)
    const d = decodeEntry(c?.day)
    if (!h || p?.type !== 'params' || o?.type !== 'pools' || d?.type !== 'day') return undefined
    return dayInfo(p, o, d, h, true)
  }

  // -----------------------------------------------------------------------------------------------
  // Headers

  /**
   * Verify a certified header from `relay` and accept it, or say why not. `forged` is true when the
   * relay's answer is itself the evidence (a header that does not decode, a bad signature of a trusted
   * validator, a header the trusted validators' signatures certify a different successor of, or a
   * header that differs from the one accepted at its height); false when it may just be early (too few
   * signatures yet) — those are classified against other relays by #classifySuspects.
   */
  async #checkHeader(relay: Relay, certified: CertifiedHeader): Promise<HeaderVerdict> {
    const trust = this.#trust
    const hashBytes = sha256(certified.header)
    const h = hex(hashBytes)
    const known = this.#verified.get(h)
    if (known) {
      this.#noteServed(known, relay)
      return { ok: true, header: known }
    }
    if (!trust || trust.quorumSet.validators.length + trust.quorumSet.innerSets.length === 0)
      return { ok: false, reason: 'no trusted quorum set yet', forged: false }
    const check = await verifyCertifiedHeader(certified, {
      networkId: this.#init.networkId,
      quorumSet: trust.quorumSet,
      ed25519: this.#ed!,
    })
    if (trust !== this.#trust)
      return { ok: false, reason: 'the trusted quorum set changed meanwhile', forged: false }
    if (check.ok) {
      const header = this.#accept(check, relay)
      if (check.conflicting.length > 0)
        this.#raise(
          'disagreement',
          `ledger ${check.header.seq} is certified, but trusted validators ${check.conflicting.join(', ')} signed a different next ledger: the network may be split`,
          [relay.addr],
        )
      return { ok: true, header }
    }
    if (!check.header) {
      this.#forged(relay, check.reason)
      return { ok: false, reason: check.reason, forged: true }
    }
    const seq = check.header.seq
    if (check.invalid && check.invalid.length > 0) {
      const reason = `header ${seq} carries envelopes of trusted validators ${check.invalid.join(', ')} whose signatures do not verify`
      this.#forged(relay, reason)
      return { ok: false, reason, forged: true }
    }
    if (check.conflicting && check.conflicting.length > 0) {
      // Trusted validators' valid signatures in this certificate name another header as previous.
      // With no trusted signature for this header, the relay paired a header with signatures that are
      // not for it (a changed header, or another one's certificate); with some, the validators split.
      if ((check.signers ?? []).length === 0) {
        const reason = `header ${seq} is not the ledger the trusted validators signed (the signatures it carries are for another header)`
        this.#forged(relay, reason)
        return { ok: false, reason, forged: true }
      }
      this.#raise(
        'disagreement',
        `for ledger ${seq}, trusted validators ${check.signers!.join(', ')} signed it but ${check.conflicting.join(', ')} signed a successor of another header`,
        [relay.addr],
      )
    }
    const accepted = this.#bySeq.get(seq)
    if (accepted && accepted.hash !== h) {
      const reason = `header ${seq} differs from the certified header ${accepted.hash.slice(0, 12)}… accepted at that height`
      this.#forged(relay, reason)
      return { ok: false, reason, forged: true }
    }
    return { ok: false, reason: check.reason, forged: false, seq, hash: hashBytes }
  }

  #accept(check: Extract<HeaderCheck, { ok: true }>, relay: Relay): VerifiedHeader {
    const header = headerOf(check)
    const h = hex(header.hash)
    this.#verified.set(h, header)
    if (this.#verified.size > 256) this.#verified.delete(this.#verified.keys().next().value!)
    const prev = this.#bySeq.get(header.seq)
    if (prev && prev.hash !== h) {
      this.#raise(
        'disagreement',
        `two different ledgers ${header.seq} are both certified by the trusted quorum set (${prev.hash.slice(0, 12)}… and ${h.slice(0, 12)}…): the network is split or the trusted set is not intertwined`,
        [...prev.relays, relay.addr],
      )
      return header
    }
    if (!prev) {
      this.#bySeq.set(header.seq, { hash: h, relays: new Set([relay.addr]) })
      if (this.#bySeq.size > 512) this.#bySeq.delete(this.#bySeq.keys().next().value!)
    } else prev.relays.add(relay.addr)
    // Relays that served an uncertified, different header at this height lied.
    const suspects = this.#suspects.get(header.seq)
    if (suspects) {
      this.#suspects.delete(header.seq)
      for (const [sh, relays] of suspects) {
        if (sh === h) continue
        for (const addr of relays) {
          const r = this.#relays.find((x) => x.addr === addr)
          if (r)
            this.#forged(
              r,
              `header ${header.seq} it served (${sh.slice(0, 12)}…) differs from the certified one (${h.slice(0, 12)}…)`,
            )
        }
      }
    }
    if (!this.#latest || header.seq > this.#latest.seq) {
      this.#latest = header
      this.#recent.push(header)
      this.#recent.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
      if (this.#recent.length > KEEP_HEADERS) this.#recent.splice(0, this.#recent.length - KEEP_HEADERS)
      void this.#persistHeader(header)
    }
    return header
  }

  #noteServed(header: VerifiedHeader, relay: Relay): void {
    this.#bySeq.get(header.seq)?.relays.add(relay.addr)
  }

  /**
   * Uncertified headers (too few trusted signatures): a lagging relay, or a lie. Ask the other relays for
   * the certified header at that height; a different one makes it a lie.
   */
  async #classifySuspects(
    suspects: { relay: Relay; verdict: Extract<HeaderVerdict, { ok: false }> }[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const todo = suspects.filter((s) => s.verdict.seq !== undefined && s.verdict.hash !== undefined)
    await Promise.all(
      todo.map(async ({ relay, verdict }) => {
        const seq = verdict.seq!
        const h = hex(verdict.hash!)
        const accepted = this.#bySeq.get(seq)
        if (accepted) {
          if (accepted.hash !== h)
            this.#forged(
              relay,
              `header ${seq} it served differs from the certified header ${accepted.hash.slice(0, 12)}…`,
            )
          return
        }
        let bucket = this.#suspects.get(seq)
        if (!bucket) {
          bucket = new Map()
          this.#suspects.set(seq, bucket)
          if (this.#suspects.size > 64) this.#suspects.delete(this.#suspects.keys().next().value!)
        }
        const set = bucket.get(h) ?? new Set<string>()
        set.add(relay.addr)
        bucket.set(h, set)
        await this.#lookupLedger(seq, relay, signal)
      }),
    )
  }

  /** The certified header at `seq` from relays other than `except` (once per height at a time). */
  #lookupLedger(
    seq: bigint,
    except: Relay,
    signal: AbortSignal | undefined,
  ): Promise<VerifiedHeader | undefined> {
    let p = this.#lookups.get(seq)
    if (!p) {
      p = (async () => {
        const others = this.#relays.filter((r) => r !== except && r.connected)
        const asked = await this.#askAll({ type: 'ledger', seq }, signal, others)
        let found: VerifiedHeader | undefined
        for (const { relay, response } of asked.answers) {
          if (response.type !== 'ledger') continue
          const v = await this.#checkHeader(relay, response.certified)
          if (v.ok && v.header.seq === seq) found ??= v.header
        }
        return found
      })().finally(() => this.#lookups.delete(seq))
      this.#lookups.set(seq, p)
    }
    return p.catch(() => undefined)
  }

  // -----------------------------------------------------------------------------------------------
  // Rounds

  #schedule(): void {
    if (!this.#started) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        void this.#runRound()
          .catch((err: unknown) => this.#log.warn('poll round failed', { error: errorText(err) }))
          .finally(() => this.#schedule())
      },
      this.#pollMs * (pageHidden() ? HIDDEN_POLL_FACTOR : 1),
    )
  }

  #runRound(): Promise<void> {
    this.#round ??= this.#pollRound().finally(() => {
      this.#round = undefined
    })
    return this.#round
  }

  /** One poll: reconnect, ask every relay for its newest certified header, re-rank if due, flush the queue. */
  async #pollRound(): Promise<void> {
    const signal = this.#life.signal
    await this.#connectDue(signal)
    if (signal.aborted) return
    const asked = await this.#askAll({ type: 'status' }, signal)
    const statuses: { relay: Relay; response: Extract<LightResponse, { type: 'status' }> }[] = []
    for (const { relay, response } of asked.answers) {
      if (response.type === 'status') {
        if (response.networkPassphrase !== this.#init.networkPassphrase) {
          this.#forged(relay, `it serves another network ("${response.networkPassphrase.slice(0, 60)}")`)
          continue
        }
        relay.latestSeq = response.latestSeq
        relay.nodeId = response.nodeId
        statuses.push({ relay, response })
      } else if (response.type === 'error') relay.lastError = `${response.code}: ${response.message}`
      else this.#forged(relay, `it answered a status query with a ${response.type} response`)
    }
    this.#online = asked.reached > 0
    if (
      !this.#userTrusted &&
      (this.#trust === undefined || this.#trust.chosenBy !== 'pagerank' || this.#trustDue())
    )
      await this.#rankValidators(statuses, signal)
    let answeredWithHeader = 0
    let acceptedThisRound = false
    let best: { signers: number; needed: number } | undefined
    const suspects: { relay: Relay; verdict: Extract<HeaderVerdict, { ok: false }> }[] = []
    for (const { relay, response } of statuses) {
      if (!response.certified) continue
      answeredWithHeader++
      const v = await this.#checkHeader(relay, response.certified)
      if (v.ok) acceptedThisRound = true
      else {
        if (!v.forged) suspects.push({ relay, verdict: v })
        const m = /certified by (\d+) trusted/.exec(v.reason)
        if (m)
          best = {
            signers: Math.max(best?.signers ?? 0, Number(m[1])),
            needed: this.#trust?.quorumSet.threshold ?? 0,
          }
      }
    }
    await this.#classifySuspects(suspects, signal)
    if (signal.aborted) return
    // Conditions.
    const n = this.#relays.length
    this.#condition(
      'unreachable',
      asked.reached === 0 && n > 0,
      `none of the ${n} relay(s) answered${this.#latest ? '; showing the last verified state' : ''}`,
      this.#relays.map((r) => r.addr),
    )
    if (answeredWithHeader > 0 && !acceptedThisRound) this.#noQuorumRounds++
    else if (acceptedThisRound || asked.reached === 0) this.#noQuorumRounds = 0
    if (
      !this.#trust ||
      this.#trust.quorumSet.validators.length + this.#trust.quorumSet.innerSets.length === 0
    )
      this.#lastNoQuorumDetail =
        'there is no trusted quorum set yet (no validator quorum sets could be checked)'
    else if (best)
      this.#lastNoQuorumDetail = `at most ${best.signers} trusted signature(s) seen on a header; ${best.needed} needed`
    else this.#lastNoQuorumDetail = 'no header could be verified'
    this.#condition(
      'no-quorum',
      this.#noQuorumRounds >= NO_QUORUM_ROUNDS,
      `no certified header satisfies the trusted quorum set: ${this.#lastNoQuorumDetail}`,
      statuses.map((s) => s.relay.addr),
    )
    if (
      this.#noQuorumRounds >= NO_QUORUM_ROUNDS &&
      !this.#userTrusted &&
      this.#trust &&
      this.#now() - this.#trust.at > 60_000
    )
      this.#trust = { ...this.#trust, at: 0 } // re-rank next round: the validators may have changed
    const latest = this.#latest
    const age = latest ? this.#now() - Number(latest.closeTime) * 1000 : 0
    this.#condition(
      'stale',
      this.#online && latest !== undefined && age > this.#staleMs,
      `the newest certified ledger (${latest?.seq}) closed ${Math.round(age / 1000)} s ago: relays may be withholding newer ledgers, or the network has stalled`,
      statuses.map((s) => s.relay.addr),
    )
    if (this.#online && this.#queued > 0) await this.#flushQueue(signal)
    this.#emit()
  }

  #trustDue(): boolean {
    return this.#trust !== undefined && this.#now() - this.#trust.at > TRUST_REFRESH_MS
  }

  /** Choose the trusted quorum set by PageRank over the quorum sets validators signed (trust.ts). */
  async #rankValidators(
    statuses: { relay: Relay; response: Extract<LightResponse, { type: 'status' }> }[],
    signal: AbortSignal,
  ): Promise<void> {
    const envelopes = statuses.flatMap((s) => s.response.certified?.certificate ?? [])
    if (envelopes.length === 0) return
    const asked = await this.#askAll(
      { type: 'validators' },
      signal,
      statuses.map((s) => s.relay),
    )
    const reports: { id: string; quorumSet: Uint8Array }[] = []
    for (const { relay, response } of asked.answers) {
      if (response.type === 'validators') reports.push(...response.validators)
      else if (response.type !== 'error')
        this.#forged(relay, `it answered a validators query with a ${response.type} response`)
    }
    if (reports.length === 0) return
    const attestations = await signedQuorumSetHashes(envelopes, {
      networkId: this.#init.networkId,
      ed25519: this.#ed!,
    })
    const { accepted, rejected } = attestedQuorumSets(reports, attestations)
    if (rejected.length > 0)
      this.#log.debug('quorum sets not used', {
        count: rejected.length,
        first: `${rejected[0]!.id}: ${rejected[0]!.reason}`,
      })
    const seeds = this.#init.seeds ?? statuses.map((s) => s.response.nodeId)
    const choice = chooseTrustedQuorumSet(accepted, { seeds })
    if (choice.quorumSet.validators.length === 0 || this.#userTrusted || signal.aborted) return
    const before = this.#trust
    const explanation = explainTrust(choice)
    const ranking = choice.ranking.map((r) => ({ id: r.id, score: r.score }))
    const same =
      before?.chosenBy === 'pagerank' &&
      before.quorumSet.threshold === choice.quorumSet.threshold &&
      before.quorumSet.validators.join() === choice.quorumSet.validators.join()
    this.#trust = { quorumSet: choice.quorumSet, chosenBy: 'pagerank', ranking, explanation, at: this.#now() }
    if (!same) {
      this.#verified.clear()
      this.#log.info('trusted quorum set chosen by PageRank', {
        validators: choice.quorumSet.validators.length,
        threshold: choice.quorumSet.threshold,
      })
    }
    await this.#put('meta', 'trust', {
      quorumSet: QuorumSetMessage.encode(choice.quorumSet),
      ranking,
      explanation,
      at: this.#now(),
    } satisfies CachedTrust)
  }

  // -----------------------------------------------------------------------------------------------
  // Relays

  async #connectDue(signal: AbortSignal): Promise<void> {
    const t = this.#transport
    if (!t) return
    const now = this.#now()
    for (const r of this.#relays) if (r.connected && !t.connected(r.peerId)) r.connected = false
    await Promise.all(
      this.#relays
        .filter((r) => !r.connected && r.nextAttemptAt <= now)
        .map((r) => {
          r.connecting ??= (async () => {
            try {
              const s = AbortSignal.any([signal, AbortSignal.timeout(CONNECT_TIMEOUT_MS)])
              const peerId = await t.connect(r.addr, { signal: s })
              r.peerId = peerId
              r.connected = true
              r.backoffMs = RECONNECT_MIN_MS
              delete r.lastError
              this.#log.info('relay connected', { relay: r.addr })
            } catch (err) {
              r.connected = false
              r.lastError = errorText(err)
              r.nextAttemptAt = this.#now() + r.backoffMs
              r.backoffMs = Math.min(RECONNECT_MAX_MS, r.backoffMs * 2)
              this.#log.debug('relay dial failed', { relay: r.addr, error: r.lastError })
            } finally {
              r.connecting = undefined
            }
          })()
          return r.connecting
        }),
    )
  }

  /** Send one request to each of `relays` (default: the connected ones), concurrently. */
  async #askAll(
    request: LightRequest,
    signal: AbortSignal | undefined,
    only?: Relay[],
  ): Promise<{ answers: { relay: Relay; response: LightResponse }[]; reached: number }> {
    const t = this.#transport
    if (!t) throw new LightClientNotStartedError('the light client is not running')
    const s = signal ? AbortSignal.any([signal, this.#life.signal]) : this.#life.signal
    s.throwIfAborted()
    // A question asked while no relay is connected first tries those whose backoff has passed.
    if (!only && !this.#relays.some((r) => r.connected)) await this.#connectDue(s)
    const relays = only ?? this.#relays.filter((r) => r.connected)
    const body = LightRequestType.encode({ v: 1, request })
    const results = await Promise.all(
      relays.map(async (relay) => {
        try {
          const bytes = await t.request(relay.peerId, body, { signal: s, timeoutMs: this.#timeoutMs })
          const d = LightResponseType.tryDecode(bytes)
          if (!d.ok) {
            this.#forged(relay, `its ${request.type} response does not decode: ${d.error.message}`)
            return { relay, reached: true }
          }
          return { relay, reached: true, response: d.value.response }
        } catch (err) {
          if (s.aborted) throw abortError(s)
          const name = (err as Error).name
          relay.lastError = errorText(err)
          // Refusals and remote errors prove the relay is there; a failed or timed-out exchange does not.
          const reached =
            name === 'RemoteError' || name === 'RateLimitedError' || name === 'MessageTooLargeError'
          if (!reached && !t.connected(relay.peerId)) {
            relay.connected = false
            relay.nextAttemptAt = this.#now()
          }
          return { relay, reached }
        }
      }),
    )
    s.throwIfAborted()
    const answers: { relay: Relay; response: LightResponse }[] = []
    for (const r of results) if (r.response) answers.push({ relay: r.relay, response: r.response })
    return { answers, reached: results.filter((r) => r.reached).length }
  }

  // -----------------------------------------------------------------------------------------------
  // Submissions

  async #send(
    tx: Uint8Array,
    hash: Uint8Array,
    signal: AbortSignal | undefined,
  ): Promise<SubmitResult | undefined> {
    const asked = await this.#askAll({ type: 'submit', tx }, signal)
    const answers: Extract<LightResponse, { type: 'submit' }>[] = []
    for (const { relay, response } of asked.answers) {
      if (response.type !== 'submit') {
        if (response.type !== 'error')
          this.#forged(relay, `it answered a submission with a ${response.type} response`)
        continue
      }
      if (response.hash && hex(response.hash) !== hex(hash)) {
        this.#forged(relay, 'it acknowledged a submission under another transaction hash')
        continue
      }
      answers.push(response)
    }
    if (answers.length === 0) return undefined
    const pick =
      answers.find((a) => a.status === 'pending') ??
      answers.find((a) => a.status === 'duplicate') ??
      answers[0]!
    return pick.status === 'rejected'
      ? { status: 'rejected', hash, code: pick.code, reason: pick.reason }
      : { status: pick.status, hash }
  }

  async #flushQueue(signal: AbortSignal): Promise<void> {
    const store = this.#requireStore()
    const rows = (await store.list<QueuedTx>('queue'))
      .map((r) => r.value)
      .sort((a, b) => a.queuedAt - b.queuedAt)
    for (const q of rows) {
      if (signal.aborted) return
      const r = await this.#send(q.tx, q.hash, signal).catch(() => undefined)
      if (!r || r.status === 'queued') return
      await store.delete('queue', hex(q.hash)).catch(() => {})
      this.#flushed.push({
        hash: hex(q.hash),
        status: r.status,
        ...(r.code ? { code: r.code } : {}),
        ...(r.reason ? { reason: r.reason } : {}),
        at: this.#now(),
      })
      if (this.#flushed.length > 20) this.#flushed.shift()
      if (r.status === 'rejected')
        await this.#put('txs', hex(q.hash), {
          rejected: { code: r.code ?? '', reason: r.reason ?? '' },
        } satisfies RejectedTx)
    }
    await this.#countQueue()
  }

  async #countQueue(): Promise<void> {
    this.#queued = (await this.#requireStore().list('queue')).length
  }

  // -----------------------------------------------------------------------------------------------
  // Alarms

  #forged(relay: Relay, reason: string): void {
    this.#log.warn('relay answer failed verification', { relay: relay.addr, reason })
    this.#raise('forged', `relay ${relay.addr} sent an answer that fails verification: ${reason}`, [
      relay.addr,
    ])
  }

  #raise(kind: AlarmKind, message: string, relays: string[]): void {
    const rs = [...new Set(relays)].sort()
    const same = this.#alarms.find(
      (a) => a.kind === kind && a.message === message && a.relays.join() === rs.join(),
    )
    if (same) same.at = this.#now()
    else {
      this.#alarms.push({ kind, message, relays: rs, at: this.#now() })
      const events = this.#alarms.filter((a) => !CONDITION_KINDS.has(a.kind))
      if (events.length > MAX_ALARMS) this.#alarms.splice(this.#alarms.indexOf(events[0]!), 1)
    }
  }

  #condition(kind: AlarmKind, active: boolean, message: string, relays: string[]): void {
    const i = this.#alarms.findIndex((a) => a.kind === kind)
    if (!active) {
      if (i >= 0) this.#alarms.splice(i, 1)
      return
    }
    const alarm = {
      kind,
      message,
      relays: [...new Set(relays)].sort(),
      at: i >= 0 ? this.#alarms[i]!.at : this.#now(),
    }
    if (i >= 0) this.#alarms[i] = alarm
    else this.#alarms.push(alarm)
  }

  // -----------------------------------------------------------------------------------------------
  // Snapshot and storage

  #build(): LightSnapshot {
    const t = this.#trust
    return {
      online: this.#online,
      relays: this.#relays.map((r) => ({
        addr: r.addr,
        peerId: r.peerId,
        connected: r.connected,
        ...(r.latestSeq !== undefined ? { latestSeq: r.latestSeq } : {}),
        ...(r.nodeId !== undefined ? { nodeId: r.nodeId } : {}),
        ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
      })),
      trusted: {
        quorumSet: t?.quorumSet ?? EMPTY_QSET,
        chosenBy: t?.chosenBy ?? 'pagerank',
        ranking: t?.ranking ?? [],
        ...(t?.explanation && t.chosenBy === 'pagerank' ? { explanation: t.explanation } : {}),
      },
      ...(this.#latest ? { latest: this.#latest } : {}),
      closeTimes: this.#recent.map((h) => ({ seq: h.seq, closeTime: h.closeTime })),
      alarms: this.#alarms.map((a) => ({ ...a, relays: [...a.relays] })),
      pending: this.#queued,
      flushed: [...this.#flushed],
    }
  }

  #emit(): void {
    this.#snapshot = this.#build()
    for (const fn of this.#listeners) {
      try {
        fn(this.#snapshot)
      } catch (err) {
        this.#log.error('snapshot subscriber threw', { error: errorText(err) })
      }
    }
  }

  async #loadCache(): Promise<void> {
    const store = this.#requireStore()
    try {
      const rows = await store.list<CachedHeader>('headers')
      const headers = rows
        .map((r) => fromCachedHeader(r.value))
        .filter((h): h is VerifiedHeader => h !== undefined)
      this.#recent = headers.slice(-KEEP_HEADERS)
      this.#latest = this.#recent.at(-1)
      if (!this.#userTrusted) {
        const user = await store.get<Uint8Array>('meta', 'trusted-user')
        const q = user instanceof Uint8Array ? QuorumSetMessage.tryDecode(user) : undefined
        if (q?.ok && isQuorumSetSane(q.value, false).ok) {
          this.#userTrusted = q.value
          this.#trust = { quorumSet: q.value, chosenBy: 'user', ranking: [], at: this.#now() }
        } else {
          const c = await store.get<CachedTrust>('meta', 'trust')
          const d = c?.quorumSet instanceof Uint8Array ? QuorumSetMessage.tryDecode(c.quorumSet) : undefined
          if (c && d?.ok && isQuorumSetSane(d.value, false).ok)
            // Used until the first round re-ranks (at: 0 makes it due at once).
            this.#trust = {
              quorumSet: d.value,
              chosenBy: 'pagerank',
              ranking: Array.isArray(c.ranking) ? c.ranking : [],
              ...(c.explanation ? { explanation: c.explanation } : {}),
              at: 0,
            }
        }
      }
      await this.#countQueue()
    } catch (err) {
      this.#log.warn('could not read the verified store', { error: errorText(err) })
    }
    this.#emit()
  }

  async #persistHeader(h: VerifiedHeader): Promise<void> {
    const store = this.#store
    if (!store) return
    try {
      await store.put('headers', seqKey(h.seq), cachedHeader(h))
      const rows = await store.list('headers')
      for (const r of rows.slice(0, Math.max(0, rows.length - KEEP_HEADERS)))
        await store.delete('headers', r.key)
    } catch (err) {
      this.#log.warn('could not store a header', { error: errorText(err) })
    }
  }

  async #put(table: Parameters<VerifiedStore['put']>[0], key: string, value: unknown): Promise<void> {
    try {
      await this.#requireStore().put(table, key, value)
    } catch (err) {
      this.#log.warn('could not write to the verified store', { table, error: errorText(err) })
    }
  }

  #requireStore(): VerifiedStore {
    if (!this.#store) throw new LightClientNotStartedError('the light client is not started')
    return this.#store
  }

  #requireStarted(): void {
    if (!this.#started || !this.#transport) throw new LightClientNotStartedError('call start() first')
  }

  #checkQuorumSet(q: QuorumSet): void {
    const sane = isQuorumSetSane(q, false)
    if (!sane.ok) throw new InvalidInputError(`not a usable quorum set: ${sane.reason}`)
    for (const id of allNodes(q)) {
      try {
        parseValidatorId(id)
      } catch (err) {
        throw new InvalidInputError(`not a validator id: ${id} (${errorText(err)})`)
      }
    }
  }
}

async function defaultStore(): Promise<VerifiedStore> {
  return idbAvailable() ? idbStore() : memoryStore()
}
