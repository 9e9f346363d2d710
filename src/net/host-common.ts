/**
 * Pieces shared by the relay host and the browser node: the yamux settings, connection counting and
 * the typed peer events both expose.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'

/**
 * Streams one connection may open towards us at once (yamux `maxInboundStreams`; yamux's default is
 * 1,000). Our own protocols allow at most 2 × maxConcurrentPerPeer each (≤ 60 together), plus
 * identify, identify-push, ping, gossipsub and circuit-relay hop/stop: 128 leaves headroom while
 * capping what one peer can pin (each stream may buffer up to its 256 KiB receive window).
 */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 128

/**
 * A ping answer may take this long before libp2p's connection monitor declares the connection dead
 * (it adapts the timeout to observed round trips between these bounds; its default floor is 5 s). A
 * phone on a congested cell link, or a relay busy with a burst of handshakes, can exceed 5 s without
 * being gone.
 */
export const PING_TIMEOUT_MIN_MS = 10_000
export const PING_TIMEOUT_MAX_MS = 60_000

/** Peer lifecycle events of a host. */
export interface HostEventMap {
  'peer:connect': CustomEvent<PeerId>
  'peer:disconnect': CustomEvent<PeerId>
}

/** A typed EventTarget for HostEventMap. */
export interface HostEvents {
  addEventListener<K extends keyof HostEventMap>(
    type: K,
    listener: (evt: HostEventMap[K]) => void,
    options?: { once?: boolean; signal?: AbortSignal },
  ): void
  removeEventListener<K extends keyof HostEventMap>(type: K, listener: (evt: HostEventMap[K]) => void): void
}

/** Forward libp2p's peer events to a fresh EventTarget; returns it and a function that detaches. */
export function forwardPeerEvents(node: Libp2p): { events: HostEvents; detach: () => void } {
  const target = new EventTarget()
  const onConnect = (e: CustomEvent<PeerId>): void => {
    target.dispatchEvent(new CustomEvent('peer:connect', { detail: e.detail }))
  }
  const onDisconnect = (e: CustomEvent<PeerId>): void => {
    target.dispatchEvent(new CustomEvent('peer:disconnect', { detail: e.detail }))
  }
  node.addEventListener('peer:connect', onConnect)
  node.addEventListener('peer:disconnect', onDisconnect)
  return {
    events: target as unknown as HostEvents,
    detach: () => {
      node.removeEventListener('peer:connect', onConnect)
      node.removeEventListener('peer:disconnect', onDisconnect)
    },
  }
}

/** Connection figures for metrics. */
export interface ConnectionCounts {
  /** Open connections (a peer may have more than one). */
  connections: number
  /** Distinct connected peers. */
  peers: number
  inbound: number
  outbound: number
  /** Connections relayed through a circuit relay (data- and time-limited). */
  limited: number
}

export function countConnections(node: Libp2p): ConnectionCounts {
  const conns = node.getConnections()
  let inbound = 0
  let limited = 0
  const peers = new Set<string>()
  for (const c of conns) {
    if (c.direction === 'inbound') inbound++
    if (c.limits != null) limited++
    peers.add(c.remotePeer.toString())
  }
  return { connections: conns.length, peers: peers.size, inbound, outbound: conns.length - inbound, limited }
}
