/**
 * The validator's network over libp2p (src/net): gossip for SCP envelopes and transactions, request/
 * response for what a validator fetches from its peers (transaction sets, quorum sets, ledgers for
 * catch-up, SCP state after a restart) and for light clients (the `light` protocol).
 */
import type { PeerId } from '@libp2p/interface'
import { LedgerHeaderType, TransactionEnvelopeType } from '../../../src/core/ledger/index.js'
import { LightRequestType, LightResponseType } from '../../../src/core/light/index.js'
import { type RelayHost, RequestError } from '../../../src/net/index.node.js'
import type { LightService } from '../api/light-service.js'
import { isHeaderOf, isQuorumSetFor, isTxSetFor } from '../node/content.js'
import type { LedgerBundle, NodeNetwork, Validator } from '../node/validator.js'
import type { Logger } from '../util/log.js'
import {
  HashRequest,
  LedgerBundleMessage,
  PUSH_MAX_BYTES,
  PushMessage,
  ScpStateMessage,
  SeqRequest,
  SlotRequest,
} from './messages.js'

const PUSH_ACK = Uint8Array.of(1)

/** Room left in a push request for the CBOR framing around its items. */
const PUSH_FRAMING_BYTES = 1024
const PUSH_MAX_ENVELOPES = 64
const PUSH_MAX_TXS = 256

/** Split items into push requests that each fit the protocol's limits. */
export function pushBatches(items: { envelopes?: Uint8Array[]; txs?: Uint8Array[] }): Uint8Array[] {
  const out: Uint8Array[] = []
  let envelopes: Uint8Array[] = []
  let txs: Uint8Array[] = []
  let size = 0
  const flush = () => {
    if (envelopes.length + txs.length === 0) return
    out.push(PushMessage.encode({ v: 1, envelopes, txs }))
    envelopes = []
    txs = []
    size = 0
  }
  const add = (list: 'envelopes' | 'txs', b: Uint8Array) => {
    const full =
      size + b.length + 8 > PUSH_MAX_BYTES - PUSH_FRAMING_BYTES ||
      (list === 'envelopes' ? envelopes.length >= PUSH_MAX_ENVELOPES : txs.length >= PUSH_MAX_TXS)
    if (full) flush()
    ;(list === 'envelopes' ? envelopes : txs).push(b)
    size += b.length + 8
  }
  for (const b of items.envelopes ?? []) add('envelopes', b)
  for (const b of items.txs ?? []) add('txs', b)
  flush()
  return out
}

export class P2pNetwork implements NodeNetwork {
  constructor(
    readonly host: RelayHost,
    private readonly log: Logger,
  ) {}

  /** Peers to ask, validators first (bootstrap peers), then anyone subscribed to SCP. */
  private peers(): PeerId[] {
    const seen = new Set<string>()
    const out: PeerId[] = []
    for (const p of [...this.host.gossip.subscribers('scp'), ...this.host.libp2p.getPeers()]) {
      const k = p.toString()
      if (!seen.has(k)) {
        seen.add(k)
        out.push(p)
      }
    }
    return out
  }

  private async firstAnswer<T>(
    protocol: string,
    request: Uint8Array,
    decode: (b: Uint8Array) => T | undefined,
  ): Promise<T | undefined> {
    for (const peer of this.peers()) {
      try {
        const bytes = await this.host.reqresp.request(peer, protocol, request)
        const v = decode(bytes)
        if (v !== undefined) return v
      } catch (err) {
        this.log.debug('peer request failed', { protocol, peer: peer.toString(), err: (err as Error).name })
      }
    }
    return undefined
  }

  broadcast(topic: 'scp' | 'tx', data: Uint8Array): void {
    this.host.gossip
      .publish(topic, data)
      .catch((err) => this.log.debug('publish failed', { topic, err: (err as Error).message }))
  }

  resend(items: { envelopes?: Uint8Array[]; txs?: Uint8Array[] }, peer?: string): void {
    const batches = pushBatches(items)
    if (batches.length === 0) return
    // Validators only: light clients (browsers) do not subscribe to SCP and do not serve `push`.
    const targets = this.host.gossip
      .subscribers('scp')
      .filter((p) => peer === undefined || p.toString() === peer)
    for (const target of targets) {
      void (async () => {
        for (const body of batches) {
          try {
            await this.host.reqresp.request(target, this.host.protocols.push, body)
          } catch (err) {
            this.log.debug('push failed', { peer: target.toString(), err: (err as Error).message })
            return
          }
        }
      })()
    }
  }

  fetchTxSet(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.firstAnswer(this.host.protocols.txset, HashRequest.encode({ v: 1, hash }), (b) =>
      isTxSetFor(hash, b) ? b : undefined,
    )
  }

  fetchQuorumSet(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.firstAnswer(this.host.protocols.qset, HashRequest.encode({ v: 1, hash }), (b) =>
      isQuorumSetFor(hash, b) ? b : undefined,
    )
  }

  async fetchLedger(seq: bigint): Promise<LedgerBundle | undefined> {
    const bundle = await this.firstAnswer(
      this.host.protocols.ledger,
      SeqRequest.encode({ v: 1, seq }),
      (b) => {
        const d = LedgerBundleMessage.tryDecode(b)
        return d.ok && isHeaderOf(seq, d.value.header) ? d.value : undefined
      },
    )
    if (!bundle) return undefined
    const header = LedgerHeaderType.tryDecode(bundle.header)
    if (!header.ok) return undefined
    const txSet = await this.fetchTxSet(header.value.txSetHash)
    if (!txSet) return undefined
    return { header: bundle.header, txSet, externalizes: bundle.externalizes }
  }

  async fetchScpState(slot: bigint): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for (const peer of this.peers().slice(0, 8)) {
      try {
        const b = await this.host.reqresp.request(
          peer,
          this.host.protocols.scpstate,
          SlotRequest.encode({ v: 1, slot }),
        )
        const d = ScpStateMessage.tryDecode(b)
        if (d.ok) out.push(...d.value.envelopes)
      } catch {
        // a peer that does not answer is simply skipped
      }
    }
    return out
  }

  /** Serve peers and light clients, and feed gossip into the validator. */
  async attach(validator: Validator, light: LightService): Promise<void> {
    const { reqresp, protocols, gossip } = this.host
    await reqresp.handle(protocols.txset, async (req) => {
      const { hash } = HashRequest.decode(req)
      const bytes = validator.txSetBytes(hash) ?? validator.storedTxSet(hash)
      if (!bytes) throw new RequestError('not_found', 'unknown transaction set')
      return bytes
    })
    await reqresp.handle(protocols.qset, async (req) => {
      const { hash } = HashRequest.decode(req)
      const bytes = validator.quorumSetBytes(hash)
      if (!bytes) throw new RequestError('not_found', 'unknown quorum set')
      return bytes
    })
    await reqresp.handle(protocols.ledger, async (req) => {
      const { seq } = SeqRequest.decode(req)
      const b = validator.ledgerBundle(seq)
      if (!b) throw new RequestError('not_found', `no ledger ${seq}`)
      return LedgerBundleMessage.encode({ v: 1, header: b.header, externalizes: b.externalizes })
    })
    await reqresp.handle(protocols.scpstate, async (req) => {
      const { slot } = SlotRequest.decode(req)
      return ScpStateMessage.encode({ v: 1, envelopes: validator.scpState(slot) })
    })
    await reqresp.handle(protocols.push, async (req) => {
      const { envelopes, txs } = PushMessage.decode(req)
      for (const e of envelopes) validator.receiveEnvelope(e)
      // Checked in the background like gossiped ones; a new one is gossiped on to the rest.
      for (const t of txs) void validator.submitTransaction(t)
      return PUSH_ACK
    })
    await reqresp.handle(protocols.light, async (req) => {
      const { request } = LightRequestType.decode(req)
      const response = await light.handle(request)
      return LightResponseType.encode({ v: 1, response })
    })
    this.host.events.addEventListener('peer:connect', (evt) => {
      // Give gossipsub a moment to exchange subscriptions, then bring the peer up to date.
      const peer = evt.detail.toString()
      setTimeout(() => validator.peerConnected(peer), 1_000).unref()
    })
    // Envelopes and transactions are processed in the validators below (so that invalid ones are not
    // forwarded); subscribing joins the topics' meshes.
    gossip.subscribe('scp', () => {})
    gossip.subscribe('tx', () => {})
    gossip.setValidator('scp', (data, from) => {
      const r = validator.receiveEnvelope(data)
      this.log.debug('scp envelope', { from: from.toString().slice(-6), result: r })
      if (r === 'malformed' || r === 'bad-signature') return 'reject'
      if (r === 'duplicate' || r === 'out-of-window') return 'ignore'
      return 'accept'
    })
    // Transactions: judged synchronously on what is cheap (the encoding), then checked and queued in
    // the background. gossipsub validates a peer's messages one after another, so awaiting signature
    // and puzzle checks here would hold up the SCP envelopes queued behind them (head-of-line
    // blocking that slowed consensus under load). A well-formed transaction with a bad signature is
    // thus forwarded once; every node drops it on its own check.
    gossip.setValidator('tx', (data) => {
      if (!TransactionEnvelopeType.tryDecode(data).ok) return 'reject'
      void validator.submitTransaction(data, { gossip: false })
      return 'accept'
    })
  }
}
