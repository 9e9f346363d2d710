/**
 * The PWA's libp2p node (docs/net.md §Browser node): WebSockets to relays, WebRTC to other browsers
 * (signalled through a relay's circuit v2 server), noise, yamux, identify (+ push), ping and the
 * request/response client. It listens on `/p2p-circuit` (a reservation on a relay) and `/webrtc`
 * (direct browser connections once signalled).
 *
 * It also runs in Node (tests dial a relay host with it); Node needs a global WebSocket
 * (test/setup/node-polyfills.ts).
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, identifyPush } from '@libp2p/identify'
import type { AbortOptions, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { isPrivate } from '@libp2p/utils'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { WebSockets } from '@multiformats/multiaddr-matcher'
import { createLibp2p } from 'libp2p'
import {
  type ConnectionCounts,
  countConnections,
  forwardPeerEvents,
  type HostEvents,
  MAX_INBOUND_STREAMS_PER_CONNECTION,
  PING_TIMEOUT_MAX_MS,
  PING_TIMEOUT_MIN_MS,
} from './host-common.js'
import { errorText, type LoggerFactory, silentLogger } from './log.js'
import { type ProtocolIds, type ProtocolLimits, type ProtocolName, protocolIds } from './protocols.js'
import { createReqResp, type ReqResp } from './reqresp.js'

/**
 * Connections a phone keeps: a couple of relays plus a few direct WebRTC peers. Phones are short of
 * memory, battery and sockets, and the light client needs one relay to work.
 */
export const BROWSER_MAX_CONNECTIONS = 20

/**
 * The browser pings each connection (its relay) every 30 s (libp2p's default is 10 s): often enough
 * to notice a dead relay and reconnect within a minute, and to keep carrier NAT mappings (commonly
 * 60 s or more) open, without spending a phone's radio and battery every 10 s.
 */
export const BROWSER_PING_INTERVAL_MS = 30_000

/** An ICE server (the shape of the DOM's RTCIceServer, restated so Node code can type-check). */
export interface IceServer {
  urls: string | string[]
  username?: string
  credential?: string
}

export interface BrowserNodeInit {
  /** `networkIdOf(passphrase)`; the request/response ids are namespaced by it. */
  networkId: Uint8Array
  /** Relays to dial once started (multiaddrs ending in `/p2p/<id>`). Failures are reported, not thrown. */
  relays?: string[]
  /**
   * STUN/TURN servers for WebRTC. Defaults to none (host candidates only): the library's default is a
   * list of public STUN servers, which must be a deliberate choice, not an accident.
   */
  iceServers?: IceServer[]
  /**
   * Allow dialling `ws://` and private or loopback addresses (tests, devnet). Off by default, which
   * keeps libp2p's browser rule: only `wss://` to public addresses.
   */
  allowInsecureLocal?: boolean
  /** The node's key (the PWA keeps it in IndexedDB); a fresh one if absent. */
  privateKey?: PrivateKey
  /** Listen on `/p2p-circuit` and `/webrtc` so other browsers can reach this one. Default true. */
  listen?: boolean
  protocolLimits?: Partial<Record<ProtocolName, Partial<ProtocolLimits>>>
  log?: LoggerFactory
}

export interface BrowserNode {
  readonly peerId: PeerId
  /** This network's request/response protocol ids. */
  readonly protocols: ProtocolIds
  readonly reqresp: ReqResp
  readonly events: HostEvents
  readonly libp2p: Libp2p
  /** Dial a relay (or any peer) and return its PeerId. */
  connect(addr: string | Multiaddr, options?: AbortOptions): Promise<PeerId>
  /** This node's addresses (circuit addresses appear once a relay granted a reservation). */
  multiaddrs(): Multiaddr[]
  connections(): ConnectionCounts
  stop(): Promise<void>
}

/**
 * The connection gater: libp2p's browser default (no `ws://`, no private addresses) unless
 * `allowInsecureLocal`. Written out rather than inherited so Node, whose libp2p default allows
 * everything, applies the same rule in tests.
 */
export function browserDialFilter(allowInsecureLocal: boolean): (ma: Multiaddr) => boolean {
  return (ma) => (allowInsecureLocal ? false : WebSockets.matches(ma) || isPrivate(ma))
}

/** Create and start the browser node. */
export async function createBrowserNode(
  init: BrowserNodeInit,
  options: AbortOptions = {},
): Promise<BrowserNode> {
  options.signal?.throwIfAborted()
  const log = init.log ?? silentLogger
  const hostLog = log('net:browser')
  const listen = init.listen ?? true
  const node = await createLibp2p({
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    nodeInfo: { name: 'watt-pwa' },
    start: false,
    addresses: { listen: listen ? ['/p2p-circuit', '/webrtc'] : [] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: { iceServers: (init.iceServers ?? []).map((s) => ({ ...s })) } }),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxInboundStreams: MAX_INBOUND_STREAMS_PER_CONNECTION })],
    connectionGater: { denyDialMultiaddr: browserDialFilter(init.allowInsecureLocal ?? false) },
    connectionManager: { maxConnections: BROWSER_MAX_CONNECTIONS },
    connectionMonitor: {
      pingInterval: BROWSER_PING_INTERVAL_MS,
      pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS, maxTimeout: PING_TIMEOUT_MAX_MS },
    },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
    },
  })
  const reqresp = createReqResp({
    node,
    log,
    ...(init.protocolLimits ? { limits: init.protocolLimits } : {}),
  })
  const { events, detach } = forwardPeerEvents(node)
  await node.start()
  reqresp.start()

  const connect = async (addr: string | Multiaddr, o: AbortOptions = {}): Promise<PeerId> => {
    const conn = await node.dial(typeof addr === 'string' ? multiaddr(addr) : addr, o)
    return conn.remotePeer
  }
  for (const relay of init.relays ?? []) {
    connect(relay, options).catch((err: unknown) => {
      hostLog.warn('relay dial failed', { relay, error: errorText(err) })
    })
  }

  return {
    peerId: node.peerId,
    protocols: protocolIds(init.networkId),
    reqresp,
    events,
    libp2p: node,
    connect,
    multiaddrs: () => node.getMultiaddrs(),
    connections: () => countConnections(node),
    stop: async () => {
      await reqresp.stop()
      detach()
      await node.stop()
    },
  }
}
