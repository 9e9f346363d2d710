/**
 * The relay's libp2p host (Node only): what validators dial and browsers attach to
 * (docs/net.md §Relay host, docs/limits.md §Connections).
 *
 * WebSocket listener, noise, yamux, identify (+ push), ping, a circuit relay v2 server so browsers can
 * reach each other over WebRTC, gossipsub for the `scp` and `tx` topics, and the request/response
 * service. The peer key persists in a file. Bootstrap peers (the other validators) are dialled at
 * start, tagged so connection pruning spares them, and redialled with backoff whenever they drop, so
 * validators keep a full mesh.
 */
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import type { AbortOptions, Libp2p, PeerId, PrivateKey } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { AbortError } from './errors.js'
import { createGossip, type Gossip, type GossipValidator, gossipsubOptions } from './gossip.js'
import {
  type ConnectionCounts,
  countConnections,
  forwardPeerEvents,
  type HostEvents,
  MAX_INBOUND_STREAMS_PER_CONNECTION,
  PING_TIMEOUT_MAX_MS,
  PING_TIMEOUT_MIN_MS,
} from './host-common.js'
import { errorText, type Logger, type LoggerFactory, silentLogger } from './log.js'
import { loadOrCreatePeerKey } from './peer-key.node.js'
import {
  type ProtocolIds,
  type ProtocolLimits,
  type ProtocolName,
  protocolIds,
  type TopicIds,
  type TopicName,
  topicIds,
} from './protocols.js'
import { createReqResp, type ReqResp } from './reqresp.js'

// -------------------------------------------------------------------------------------------------
// Limits (docs/limits.md §Connections). Each can be overridden through RelayHostInit.connections.

/**
 * Connections one relay holds before it refuses new inbound ones (and prunes the least valuable).
 * The goal is 1,000 idle browsers plus validators and headroom. Memory is not the bound (an idle
 * browser connection with its reservation costs ~45–70 KiB on the relay, BENCHMARKS.md §net); the
 * CPU of a reconnect storm (~20 ms per handshake + identify + reservation) and of keep-alive pings
 * is, so raise it only with the benchmark re-run on the target machine.
 */
export const RELAY_MAX_CONNECTIONS = 1_200
/** Inbound connections in the handshake (noise + yamux) at once; libp2p's default is 10. */
export const RELAY_MAX_PENDING_INBOUND = 64
/**
 * New inbound connections per second from one IP address (libp2p's default is 5). Many phones can sit
 * behind one carrier NAT address, so a little more than the default; a single host opening
 * connections faster than this is refused.
 */
export const RELAY_INBOUND_PER_HOST_PER_SECOND = 10
/**
 * Circuit relay v2 reservations the relay grants (the library default is 15). Every browser that
 * wants to be reachable over WebRTC holds one, so it matches the connection budget for browsers.
 */
export const RELAY_MAX_RESERVATIONS = 1_024
/** A reservation lasts one hour, after which the browser renews it (library default: 2 h). */
export const RELAY_RESERVATION_TTL_MS = 60 * 60_000
/**
 * A relayed connection is only for WebRTC signalling (SDP offer/answer and ICE candidates, a few KiB),
 * after which browsers talk directly: 2 minutes and 128 KiB, the circuit v2 spec defaults.
 */
export const RELAY_CIRCUIT_DURATION_MS = 2 * 60_000
export const RELAY_CIRCUIT_DATA_BYTES = 128n * 1024n
/** A circuit hop request must complete within this (library default). */
export const RELAY_HOP_TIMEOUT_MS = 30_000
/**
 * libp2p's connection monitor pings every connection on this interval (default 10 s) and closes the
 * ones that do not answer, which is how the relay reclaims connections of phones that vanished
 * without closing. It pings all connections in one burst, so with 1,000 browsers the default means
 * 100 ping streams a second and a burst of 1,000 every 10 s; 60 s cuts that six-fold and still frees
 * a dead connection's slot within about a minute. Browsers ping the relay more often (see
 * BROWSER_PING_INTERVAL_MS), which also keeps NAT mappings open.
 */
export const RELAY_PING_INTERVAL_MS = 60_000
/** A dial to a bootstrap peer is abandoned after this long. */
export const BOOTSTRAP_DIAL_TIMEOUT_MS = 10_000
/** Redial backoff for bootstrap peers: from 1 s, doubling, up to 30 s (± 20% jitter). */
export const BOOTSTRAP_REDIAL_MIN_MS = 1_000
export const BOOTSTRAP_REDIAL_MAX_MS = 30_000
/** peer-store tag that marks bootstrap peers; its value keeps them out of connection pruning. */
export const BOOTSTRAP_TAG = 'watt-bootstrap'

export interface RelayHostInit {
  /** `networkIdOf(passphrase)`: namespaces every protocol id and topic. */
  networkId: Uint8Array
  /** Listen address: `/ip4/<host>/tcp/<port>/ws`. Defaults to 127.0.0.1 and port 0 (any free port). */
  host?: string
  port?: number
  /** Addresses to advertise instead of the listen addresses (e.g. a public `/dns4/…/tcp/443/wss`). */
  announce?: string[]
  /** File holding the peer key; created if missing. Without it (and without privateKey) the key is ephemeral. */
  peerKeyPath?: string
  privateKey?: PrivateKey
  /** Multiaddrs of peers to stay connected to, each ending in `/p2p/<peer id>`. */
  bootstrap?: string[]
  /** Validators for gossip topics (can also be set later with `gossip.setValidator`). */
  gossipValidators?: Partial<Record<TopicName, GossipValidator>>
  /** Overrides of the request/response limits (tests, devnet). */
  protocolLimits?: Partial<Record<ProtocolName, Partial<ProtocolLimits>>>
  /** Overrides of the connection limits above. */
  connections?: {
    maxConnections?: number
    maxPendingInbound?: number
    inboundPerHostPerSecond?: number
    maxReservations?: number
    /**
     * IP networks exempt from the inbound limits and from pruning, as multiaddrs, e.g.
     * `/ip4/10.0.0.0/ipcidr/8` (a devnet on loopback: `/ip4/127.0.0.0/ipcidr/8`).
     */
    allow?: string[]
  }
  /** Redial backoff for bootstrap peers (tests shorten it). */
  redial?: { minMs?: number; maxMs?: number }
  log?: LoggerFactory
}

export interface RelayHost {
  readonly peerId: PeerId
  /** This network's request/response protocol ids and gossip topics. */
  readonly protocols: ProtocolIds
  readonly topics: TopicIds
  /** The addresses others dial, each ending in `/p2p/<peerId>`. */
  multiaddrs(): Multiaddr[]
  readonly gossip: Gossip
  readonly reqresp: ReqResp
  /** `peer:connect` / `peer:disconnect`, with the PeerId as `detail`. */
  readonly events: HostEvents
  /** Connection figures plus relay reservations and bootstrap peers connected. */
  connections(): RelayConnectionCounts
  /** The underlying node, for what this wrapper does not cover. */
  readonly libp2p: Libp2p
  stop(): Promise<void>
}

export interface RelayConnectionCounts extends ConnectionCounts {
  reservations: number
  bootstrapConnected: number
  bootstrapTotal: number
}

/** Create and start a relay host. */
export async function createRelayHost(init: RelayHostInit, options: AbortOptions = {}): Promise<RelayHost> {
  const log = init.log ?? silentLogger
  const hostLog = log('net:host')
  options.signal?.throwIfAborted()
  const privateKey =
    init.privateKey ?? (init.peerKeyPath ? await loadOrCreatePeerKey(init.peerKeyPath, options) : undefined)
  const topics = topicIds(init.networkId)
  const limits = init.connections ?? {}

  const node = await createLibp2p({
    ...(privateKey ? { privateKey } : {}),
    nodeInfo: { name: 'watt-relay' },
    start: false,
    addresses: {
      listen: [`/ip4/${init.host ?? '127.0.0.1'}/tcp/${init.port ?? 0}/ws`],
      ...(init.announce ? { announce: init.announce } : {}),
    },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxInboundStreams: MAX_INBOUND_STREAMS_PER_CONNECTION })],
    connectionMonitor: {
      pingInterval: RELAY_PING_INTERVAL_MS,
      pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS, maxTimeout: PING_TIMEOUT_MAX_MS },
    },
    connectionManager: {
      maxConnections: limits.maxConnections ?? RELAY_MAX_CONNECTIONS,
      maxIncomingPendingConnections: limits.maxPendingInbound ?? RELAY_MAX_PENDING_INBOUND,
      inboundConnectionThreshold: limits.inboundPerHostPerSecond ?? RELAY_INBOUND_PER_HOST_PER_SECOND,
      ...(limits.allow ? { allow: limits.allow } : {}),
    },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      relay: circuitRelayServer({
        hopTimeout: RELAY_HOP_TIMEOUT_MS,
        reservations: {
          maxReservations: limits.maxReservations ?? RELAY_MAX_RESERVATIONS,
          reservationTtl: RELAY_RESERVATION_TTL_MS,
          applyDefaultLimit: true,
          defaultDurationLimit: RELAY_CIRCUIT_DURATION_MS,
          defaultDataLimit: RELAY_CIRCUIT_DATA_BYTES,
        },
      }),
      pubsub: gossipsub(gossipsubOptions(topics)),
    },
  })

  const reqresp = createReqResp({
    node,
    log,
    ...(init.protocolLimits ? { limits: init.protocolLimits } : {}),
  })
  const gossip = createGossip({
    pubsub: node.services.pubsub,
    topics,
    log,
    ...(init.gossipValidators ? { validators: init.gossipValidators } : {}),
  })
  const { events, detach } = forwardPeerEvents(node)
  const bootstrap = parseBootstrap(init.bootstrap ?? [])
  const redialer = new Redialer(node, bootstrap, {
    minMs: init.redial?.minMs ?? BOOTSTRAP_REDIAL_MIN_MS,
    maxMs: init.redial?.maxMs ?? BOOTSTRAP_REDIAL_MAX_MS,
    log: hostLog,
  })

  const stop = async (): Promise<void> => {
    redialer.stop()
    gossip.stop()
    await reqresp.stop()
    detach()
    await node.stop()
  }

  try {
    await node.start()
    reqresp.start()
    gossip.start()
    if (options.signal?.aborted) throw new AbortError('createRelayHost aborted')
    await redialer.start()
  } catch (err) {
    await stop().catch(() => {})
    throw err
  }
  hostLog.info('relay host started', {
    peer: node.peerId.toString(),
    addrs: node
      .getMultiaddrs()
      .map((a) => a.toString())
      .join(' '),
    bootstrap: bootstrap.length,
  })

  return {
    peerId: node.peerId,
    protocols: protocolIds(init.networkId),
    topics,
    multiaddrs: () => node.getMultiaddrs(),
    gossip,
    reqresp,
    events,
    libp2p: node,
    connections: () => ({
      ...countConnections(node),
      reservations: node.services.relay.reservations.size,
      bootstrapConnected: bootstrap.filter((b) => node.getConnections(b.id).length > 0).length,
      bootstrapTotal: bootstrap.length,
    }),
    stop,
  }
}

interface BootstrapPeer {
  id: PeerId
  addrs: Multiaddr[]
}

interface Tracked extends BootstrapPeer {
  backoff: number
  timer?: ReturnType<typeof setTimeout> | undefined
  dialing: boolean
}

/** Group bootstrap multiaddrs by their `/p2p/<id>`; an address without one is a configuration error. */
function parseBootstrap(addrs: string[]): BootstrapPeer[] {
  const byId = new Map<string, BootstrapPeer>()
  for (const text of addrs) {
    const ma = multiaddr(text)
    const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
    if (id === undefined)
      throw new RangeError(`bootstrap address ${text}: expected it to end in /p2p/<peer id>`)
    const entry = byId.get(id) ?? { id: peerIdFromString(id), addrs: [] }
    entry.addrs.push(ma)
    byId.set(id, entry)
  }
  return [...byId.values()]
}

/**
 * Keeps the host connected to its bootstrap peers: dials each at start and again whenever it
 * disconnects, with exponential backoff and jitter while it stays unreachable. Never gives up
 * (libp2p's own KEEP_ALIVE reconnect stops after 5 attempts).
 */
class Redialer {
  readonly #node: Libp2p
  readonly #peers: Map<string, Tracked>
  readonly #minMs: number
  readonly #maxMs: number
  readonly #log: Logger
  readonly #controller = new AbortController()

  constructor(node: Libp2p, peers: BootstrapPeer[], o: { minMs: number; maxMs: number; log: Logger }) {
    this.#node = node
    this.#peers = new Map(peers.map((p) => [p.id.toString(), { ...p, backoff: o.minMs, dialing: false }]))
    this.#minMs = o.minMs
    this.#maxMs = o.maxMs
    this.#log = o.log
  }

  readonly #onDisconnect = (e: CustomEvent<PeerId>): void => {
    const p = this.#peers.get(e.detail.toString())
    if (p === undefined) return
    this.#log.info('bootstrap peer disconnected; redialling', { peer: p.id.toString() })
    this.#schedule(p, this.#minMs)
  }

  async start(): Promise<void> {
    this.#node.addEventListener('peer:disconnect', this.#onDisconnect)
    for (const p of this.#peers.values()) {
      // Addresses into the peer store, and a tag whose value keeps the connection out of pruning.
      await this.#node.peerStore.merge(p.id, {
        multiaddrs: p.addrs,
        tags: { [BOOTSTRAP_TAG]: { value: 100 } },
      })
      this.#schedule(p, 0)
    }
  }

  stop(): void {
    this.#controller.abort()
    this.#node.removeEventListener('peer:disconnect', this.#onDisconnect)
    for (const p of this.#peers.values()) clearTimeout(p.timer)
  }

  #schedule(p: Tracked, delayMs: number): void {
    if (this.#controller.signal.aborted || p.timer !== undefined || p.dialing) return
    p.timer = setTimeout(() => {
      p.timer = undefined
      void this.#dial(p)
    }, delayMs)
  }

  async #dial(p: Tracked): Promise<void> {
    if (this.#controller.signal.aborted) return
    if (this.#node.getConnections(p.id).length > 0) {
      p.backoff = this.#minMs
      return
    }
    p.dialing = true
    try {
      const signal = AbortSignal.any([
        this.#controller.signal,
        AbortSignal.timeout(BOOTSTRAP_DIAL_TIMEOUT_MS),
      ])
      await this.#node.dial(p.id, { signal })
      p.dialing = false
      p.backoff = this.#minMs
      this.#log.debug('bootstrap peer connected', { peer: p.id.toString() })
      // It may have dropped again while we were dialling.
      if (this.#node.getConnections(p.id).length === 0) this.#schedule(p, this.#minMs)
    } catch (err) {
      p.dialing = false
      if (this.#controller.signal.aborted) return
      const delay = p.backoff * (0.8 + 0.4 * Math.random())
      this.#log.debug('bootstrap dial failed', {
        peer: p.id.toString(),
        error: errorText(err),
        retryMs: Math.round(delay),
      })
      p.backoff = Math.min(this.#maxMs, p.backoff * 2)
      this.#schedule(p, delay)
    }
  }
}
