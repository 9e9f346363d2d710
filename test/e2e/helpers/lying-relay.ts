/**
 * A lying relay for the light-client tests: a real libp2p relay host (createRelayHost) that serves the
 * `light` protocol by asking a real relay and forging the answer. The lies:
 *
 *  - `balance`: 1,000 WATT more in an account entry; proof and header untouched (the state proof fails);
 *  - `sybil-header`: 1,000 WATT more, a header whose state root is recomputed so the proof verifies,
 *    certified by four validators of the liar's own (keys nobody trusts);
 *  - `state-root`: the header's state root replaced, the real certificate kept (the signatures certify
 *    another header);
 *  - `none`: an honest proxy.
 *
 * Forged answers are only for account, entries and status queries; everything else passes through.
 */

import { multiaddr } from '@multiformats/multiaddr'
import { sha256 } from '../../../src/core/codec/hash.js'
import { EntryType, LedgerHeaderType, watt } from '../../../src/core/ledger/index.js'
import {
  type CertifiedHeader,
  type LightRequest,
  LightRequestType,
  type LightResponse,
  LightResponseType,
} from '../../../src/core/light/index.js'
import type { SmtProof } from '../../../src/core/merkle/smt.js'
import { createRelayHost, type RelayHost } from '../../../src/net/index.node.js'
import { certify, rootOfProof, validator } from '../../unit/light/fixtures.js'

export type Lie = 'none' | 'balance' | 'sybil-header' | 'state-root'

export interface LyingRelay {
  readonly host: RelayHost
  /** Its multiaddr (ws, loopback, ending in /p2p/<id>). */
  readonly addr: string
  lie: Lie
  /** Answers it forged so far. */
  readonly forged: { request: LightRequest['type']; lie: Lie }[]
  stop(): Promise<void>
}

const SYBILS = [40, 41, 42, 43].map(validator)

export async function startLyingRelay(o: {
  networkId: Uint8Array
  upstream: string
  lie?: Lie
}): Promise<LyingRelay> {
  const host = await createRelayHost({ networkId: o.networkId })
  const upstream = multiaddr(o.upstream)
  const relay: LyingRelay = {
    host,
    addr: host.multiaddrs()[0]!.toString(),
    lie: o.lie ?? 'none',
    forged: [],
    stop: () => host.stop(),
  }
  await host.reqresp.handle(host.protocols.light, async (req, _peer, { signal }) => {
    const bytes = await host.reqresp.request(upstream, host.protocols.light, req, { signal })
    const { request } = LightRequestType.decode(req)
    const { response } = LightResponseType.decode(bytes)
    const lie = relay.lie
    const forged = lie === 'none' ? response : forge(lie, response, o.networkId)
    if (forged !== response) relay.forged.push({ request: request.type, lie })
    return LightResponseType.encode({ v: 1, response: forged })
  })
  return relay
}

function forge(lie: Exclude<Lie, 'none'>, res: LightResponse, networkId: Uint8Array): LightResponse {
  if (lie === 'state-root') {
    if (res.type !== 'account' && res.type !== 'entries') return res
    return { ...res, certified: replaceStateRoot(res.certified, new Uint8Array(32).fill(0xee)) }
  }
  if (res.type !== 'account' || !res.entry) return res
  const e = EntryType.decode(res.entry)
  if (e.type !== 'account') return res
  const entry = EntryType.encode({ ...e, balance: e.balance + watt(1000) })
  if (lie === 'balance') return { ...res, entry }
  // sybil-header: a self-consistent forgery, certified by keys of the liar's own.
  const valueHash = sha256(entry)
  const keyHash = res.proof.leaf?.keyHash
  if (!keyHash) return res
  const proof: SmtProof = { ...res.proof, leaf: { keyHash, valueHash } }
  const header = LedgerHeaderType.decode(res.certified.header)
  const forged = { ...header, stateRoot: rootOfProof(keyHash, valueHash, proof) }
  return { ...res, entry, proof, certified: certify(forged, SYBILS, {}, networkId) }
}

function replaceStateRoot(c: CertifiedHeader, stateRoot: Uint8Array): CertifiedHeader {
  const h = LedgerHeaderType.decode(c.header)
  return { ...c, header: LedgerHeaderType.encode({ ...h, stateRoot }) }
}
