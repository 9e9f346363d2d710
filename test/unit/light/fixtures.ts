/**
 * In-process relays for the light client's unit tests: a real ledger (test/helpers/ledger.ts) closed
 * by hand, certified by four validators with real Ed25519 keys (EXTERNALIZE envelopes of the next
 * slot, as validators sign them), answering the `light` protocol like relay/src/api/light-service.ts.
 * A transport connects the client to any number of them; each relay can be taken down or made to
 * rewrite its answers (the lies under test).
 */
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import type { LightTransport, TransportFactory } from '../../../src/app/light/index.js'
import { toHex } from '../../../src/core/codec/bytes.js'
import { sha256 } from '../../../src/core/codec/hash.js'
import { validatorId } from '../../../src/core/crypto/strkey.js'
import {
  CertifiedView,
  type CloseResult,
  EntryType,
  type LedgerHeader,
  LedgerHeaderType,
  LedgerValueType,
  makePayslip,
  type PayoutTable,
  proveResult,
  type TransactionEnvelope,
  TransactionEnvelopeType,
  type TransactionResult,
  TransactionResultType,
  transactionHash,
} from '../../../src/core/ledger/index.js'
import {
  type CertifiedHeader,
  type LightRequest,
  LightRequestType,
  type LightResponse,
  LightResponseType,
} from '../../../src/core/light/index.js'
import type { SmtProof } from '../../../src/core/merkle/smt.js'
import {
  encodeEnvelope,
  QuorumSetMessage,
  quorumSetHash,
  statementSignatureBase,
} from '../../../src/core/scp/codec.js'
import type { QuorumSet, Statement } from '../../../src/core/scp/types.js'
import { type Key, key, networkId, PASSPHRASE, TestLedger } from '../../helpers/ledger.js'

export { networkId, PASSPHRASE }

/** A validator: its key and StrKey id. */
export interface TestValidator extends Key {
  id: string
}

export function validator(n: number): TestValidator {
  const k = key(5000 + n)
  return { ...k, id: validatorId(k.publicKey) }
}

/** The network's four validators and their common quorum set (3 of 4). */
export const VALIDATORS = [0, 1, 2, 3].map(validator)
export const QSET: QuorumSet = { threshold: 3, validators: VALIDATORS.map((v) => v.id).sort(), innerSets: [] }

/** An EXTERNALIZE envelope of `slot` committing `value`, signed by `v`. */
export function externalize(
  v: TestValidator,
  slot: bigint,
  value: Uint8Array,
  qset: QuorumSet = QSET,
  net: Uint8Array = networkId,
): Uint8Array {
  const statement: Statement = {
    nodeId: v.id,
    slotIndex: slot,
    pledges: {
      type: 'externalize',
      commit: { counter: 1, value },
      nH: 1,
      commitQuorumSetHash: quorumSetHash(qset),
    },
  }
  const signature = nodeEd25519.signSync(v.seed, statementSignatureBase(net, statement))
  return encodeEnvelope({ statement, signature })
}

/** A certificate for `header`: `signers` externalize a next value whose previous ledger is `header`. */
export function certify(
  header: LedgerHeader,
  signers: readonly TestValidator[],
  next: { closeTime?: bigint; txSetHash?: Uint8Array } = {},
  net: Uint8Array = networkId,
): CertifiedHeader {
  const bytes = LedgerHeaderType.encode(header)
  const value = LedgerValueType.encode({
    v: 1,
    txSetHash: next.txSetHash ?? new Uint8Array(32).fill(7),
    closeTime: next.closeTime ?? header.value.closeTime + 1n,
    previousLedgerHash: sha256(bytes),
    upgrades: [],
  })
  return { header: bytes, certificate: signers.map((v) => externalize(v, header.seq + 1n, value, QSET, net)) }
}

/**
 * The network's shared truth: one ledger, closed by the test, with the certificates its validators
 * sign. Relays (FakeRelay) serve it.
 */
export class FakeNetwork {
  readonly ledger = new TestLedger()
  readonly view: CertifiedView
  readonly headers = new Map<bigint, Uint8Array>()
  readonly certificates = new Map<bigint, Uint8Array[]>()
  readonly results = new Map<bigint, TransactionResult[]>()
  readonly locations = new Map<string, { seq: bigint; index: number }>()
  readonly submitted: TransactionEnvelope[] = []
  /** Payout tables as they were added (the ledger drops them once swept; relays keep them for payslips). */
  readonly tables = new Map<bigint, PayoutTable>()
  /** Validators that sign certificates (default: all four). */
  signers: TestValidator[] = [...VALIDATORS]

  constructor() {
    this.view = new CertifiedView(this.ledger.state)
    this.headers.set(this.ledger.state.header.seq, LedgerHeaderType.encode(this.ledger.state.header))
  }

  /** Close a ledger with `txs` (default: what was submitted); the previous ledger becomes certified. */
  async close(txs?: TransactionEnvelope[], step = 1n): Promise<CloseResult> {
    const list = txs ?? this.submitted.splice(0)
    const prevSeq = this.ledger.state.header.seq
    const r = await this.ledger.close(list, step)
    this.record(prevSeq, r)
    return r
  }

  /** Close the current mining day (the next ledger is in the next day). */
  async closeDay(): Promise<CloseResult> {
    const prevSeq = this.ledger.state.header.seq
    const r = await this.ledger.closeDayNow(this.submitted.splice(0))
    this.record(prevSeq, r)
    return r
  }

  private record(prevSeq: bigint, r: CloseResult): void {
    const seq = r.header.seq
    this.headers.set(seq, LedgerHeaderType.encode(r.header))
    this.results.set(seq, r.results)
    r.results.forEach((res, index) => {
      this.locations.set(toHex(res.txHash), { seq, index })
    })
    const value = LedgerValueType.encode(r.header.value)
    this.certificates.set(
      prevSeq,
      this.signers.map((v) => externalize(v, seq, value)),
    )
    this.view.advance(r.diff)
    for (const t of r.diff.payoutTablesAdded) this.tables.set(t.day, t)
  }

  certified(seq: bigint): CertifiedHeader | undefined {
    const header = this.headers.get(seq)
    const certificate = this.certificates.get(seq)
    return header && certificate ? { header, certificate } : undefined
  }

  latestCertified(): CertifiedHeader | undefined {
    const h = this.view.header
    return h ? this.certified(h.seq) : undefined
  }
}

export type Rewrite = (req: LightRequest, res: LightResponse) => LightResponse

/** A relay serving a FakeNetwork; `rewrite` turns it into a liar, `down` makes it unreachable. */
export class FakeRelay {
  down = false
  rewrite: Rewrite | undefined
  /** Raw bytes to answer instead of a response (malformed answers). */
  raw: Uint8Array | undefined
  /** Change the encoded answer (fuzzing). */
  mutate: ((bytes: Uint8Array, request: LightRequest) => Uint8Array) | undefined
  passphrase = PASSPHRASE
  readonly requests: LightRequest['type'][] = []

  constructor(
    readonly net: FakeNetwork,
    readonly peerId: string,
    readonly nodeId: string = VALIDATORS[0]!.id,
  ) {}

  get addr(): string {
    return `/ip4/127.0.0.1/tcp/1/ws/p2p/${this.peerId}`
  }

  handle(req: LightRequest): LightResponse {
    const n = this.net
    const st = n.ledger.state
    switch (req.type) {
      case 'status': {
        const certified = n.latestCertified()
        return {
          type: 'status',
          networkPassphrase: this.passphrase,
          nodeId: this.nodeId,
          latestSeq: st.header.seq,
          synced: 'yes',
          ...(certified ? { certified } : {}),
        }
      }
      case 'ledger': {
        const certified = n.certified(req.seq)
        return certified ? { type: 'ledger', certified } : notFound(`no ledger ${req.seq}`)
      }
      case 'account': {
        const certified = n.latestCertified()
        const p = n.view.prove({ type: 'account', id: req.id })
        if (!certified || !p) return notFound('not ready')
        return {
          type: 'account',
          certified,
          ...(p.entry ? { entry: EntryType.encode(p.entry) } : {}),
          proof: p.proof,
        }
      }
      case 'entries': {
        const certified = n.latestCertified()
        if (!certified) return notFound('not ready')
        const entries: { entry?: Uint8Array; proof: SmtProof }[] = []
        for (const key of req.keys) {
          const p = n.view.prove(key)!
          entries.push({ ...(p.entry ? { entry: EntryType.encode(p.entry) } : {}), proof: p.proof })
        }
        return { type: 'entries', certified, entries }
      }
      case 'tx': {
        const loc = n.locations.get(toHex(req.hash))
        if (!loc) {
          const queued = n.submitted.some((t) => toHex(transactionHash(networkId, t.tx)) === toHex(req.hash))
          return { type: 'tx', status: queued ? 'pending' : 'unknown' }
        }
        const results = n.results.get(loc.seq)!
        const certified = n.certified(loc.seq)
        return {
          type: 'tx',
          status: 'applied',
          ...(certified ? { certified } : {}),
          index: loc.index,
          result: proveResultBytes(results, loc.index).result,
          proof: proveResultBytes(results, loc.index).proof,
        }
      }
      case 'submit': {
        const d = TransactionEnvelopeType.tryDecode(req.tx)
        if (!d.ok)
          return { type: 'submit', status: 'rejected', code: 'tx_malformed', reason: d.error.message }
        const hash = transactionHash(networkId, d.value.tx)
        const dup = n.submitted.some((t) => toHex(transactionHash(networkId, t.tx)) === toHex(hash))
        if (!dup) n.submitted.push(d.value)
        return { type: 'submit', status: dup ? 'duplicate' : 'pending', code: '', reason: '', hash }
      }
      case 'payslip': {
        const certified = n.latestCertified()
        const day = n.view.prove({ type: 'day', day: req.day })
        if (!certified || !day?.entry || day.entry.type !== 'day' || !day.entry.closed)
          return notFound(`day ${req.day} is not closed`)
        const account = st.account(req.account)
        const table = n.tables.get(req.day)
        const slip = account && table ? makePayslip(table, account.index) : undefined
        return {
          type: 'payslip',
          certified,
          day: EntryType.encode(day.entry),
          dayProof: day.proof,
          ...(slip ? { payslip: slip } : {}),
        }
      }
      case 'validators':
        return {
          type: 'validators',
          validators: VALIDATORS.map((v) => ({ id: v.id, quorumSet: QuorumSetMessage.encode(QSET) })),
        }
    }
  }

  answer(body: Uint8Array): Uint8Array {
    if (this.raw) return this.raw
    const { request } = LightRequestType.decode(body)
    this.requests.push(request.type)
    let response = this.handle(request)
    if (this.rewrite) response = this.rewrite(request, response)
    const bytes = LightResponseType.encode({ v: 1, response })
    return this.mutate ? this.mutate(bytes, request) : bytes
  }
}

function proveResultBytes(results: TransactionResult[], index: number) {
  return { result: TransactionResultType.encode(results[index]!), proof: proveResult(results, index) }
}

function notFound(message: string): LightResponse {
  return { type: 'error', code: 'not_found', message }
}

/** A transport over FakeRelays: requests go straight to `answer`; a relay that is `down` fails like a dead socket. */
export function fakeTransport(relays: FakeRelay[]): TransportFactory & { disconnect(peerId: string): void } {
  const open = new Set<string>()
  const listeners = new Set<(p: string) => void>()
  const byPeer = () => new Map(relays.map((r) => [r.peerId, r]))
  const failure = (what: string) =>
    Object.assign(new Error(`${what}: connection refused`), { name: 'RequestFailedError' })
  const factory = (async () => {
    const t: LightTransport = {
      async connect(addr) {
        const r = relays.find((x) => x.addr === addr)
        if (!r || r.down) throw Object.assign(new Error(`dial ${addr} failed`), { name: 'DialError' })
        open.add(r.peerId)
        return r.peerId
      },
      async request(peerId, body) {
        const r = byPeer().get(peerId)
        if (!r || r.down || !open.has(peerId)) {
          open.delete(peerId)
          throw failure(peerId)
        }
        await Promise.resolve()
        return r.answer(body)
      },
      connected: (peerId) => open.has(peerId) && !byPeer().get(peerId)?.down,
      onDisconnect(fn) {
        listeners.add(fn)
        return () => listeners.delete(fn)
      },
      async stop() {
        open.clear()
      },
    }
    return t
  }) as unknown as TransportFactory & { disconnect(peerId: string): void }
  factory.disconnect = (peerId: string) => {
    open.delete(peerId)
    for (const fn of listeners) fn(peerId)
  }
  return factory
}

/** Sign a payment from `from` to `to` on the fake network's ledger. */
export function payment(net: FakeNetwork, from: Key, to: Key, amount: bigint): Uint8Array {
  const env = net.ledger.sign(from, [{ type: 'payment', destination: to.publicKey, amount }])
  return TransactionEnvelopeType.encode(env)
}

/**
 * The state root a (membership) proof leads to for `keyHash` → `valueHash`: what a liar computes to
 * make a forged entry consistent with a forged header (src/core/merkle/smt.ts, verifySmtProof's fold).
 */
export function rootOfProof(keyHash: Uint8Array, valueHash: Uint8Array, proof: SmtProof): Uint8Array {
  const bit = (b: Uint8Array, i: number) => (b[i >>> 3]! >>> (7 - (i & 7))) & 1
  const buf = new Uint8Array(65)
  buf[0] = 0x00
  buf.set(keyHash, 1)
  buf.set(valueHash, 33)
  let h = sha256(buf)
  let next = proof.siblings.length - 1
  buf[0] = 0x01
  for (let i = proof.depth - 1; i >= 0; i--) {
    const sibling = bit(proof.bitmap, i) === 1 ? proof.siblings[next--]! : new Uint8Array(32)
    if (bit(keyHash, i) === 0) {
      buf.set(h, 1)
      buf.set(sibling, 33)
    } else {
      buf.set(sibling, 1)
      buf.set(h, 33)
    }
    h = sha256(buf)
  }
  return h
}
