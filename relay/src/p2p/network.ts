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
import { HashRequest, LedgerBundleMessage, ScpStateMessage, SeqRequest, SlotRequest } from './messages.js'

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
    await reqresp.handle(protocols.light, async (req) => {
      const { request } = LightRequestType.decode(req)
      const response = await light.handle(request)
      return LightResponseType.encode({ v: 1, response })
    })
    this.host.events.addEventListener('peer:connect', () => {
      // Give gossipsub a moment to exchange subscriptions, then bring the peer up to date.
      setTimeout(() => validator.peerConnected(), 1_000).unref()
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
