/**
 * The light client's default transport: the PWA's libp2p node (src/net/browser-node.ts) — WebSockets
 * to relays, and listening on `/p2p-circuit` + `/webrtc` so other browsers can reach this one through
 * a relay. Loaded with a dynamic import by the client, so libp2p is not in the app's first chunk.
 */
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { type BrowserNode, type BrowserNodeInit, createBrowserNode } from '../../net/index.js'
import type { LightTransport, TransportInit } from './transport.js'

export interface Libp2pTransport extends LightTransport {
  /** The libp2p node, for other protocols (e.g. WebRTC streams between browsers). */
  readonly node: BrowserNode
}

export async function libp2pTransport(
  init: TransportInit & Pick<BrowserNodeInit, 'iceServers' | 'listen' | 'log'>,
): Promise<Libp2pTransport> {
  const node = await createBrowserNode({
    networkId: init.networkId,
    allowInsecureLocal: init.allowInsecureLocal,
    ...(init.iceServers ? { iceServers: init.iceServers } : {}),
    ...(init.listen !== undefined ? { listen: init.listen } : {}),
    ...(init.log ? { log: init.log } : {}),
  })
  const peers = new Map<string, PeerId>()
  const peerOf = (id: string): PeerId => {
    let p = peers.get(id)
    if (!p) {
      p = peerIdFromString(id)
      peers.set(id, p)
    }
    return p
  }
  return {
    node,
    async connect(addr, options = {}) {
      const peer = await node.connect(addr, options)
      peers.set(peer.toString(), peer)
      return peer.toString()
    },
    request(peerId, body, options = {}) {
      return node.reqresp.request(peerOf(peerId), node.protocols.light, body, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      })
    },
    connected(peerId) {
      return node.libp2p.getConnections(peerOf(peerId)).length > 0
    },
    onDisconnect(fn) {
      const listener = (e: CustomEvent<PeerId>): void => fn(e.detail.toString())
      node.events.addEventListener('peer:disconnect', listener)
      return () => node.events.removeEventListener('peer:disconnect', listener)
    },
    stop: () => node.stop(),
  }
}
