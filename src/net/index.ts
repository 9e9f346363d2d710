/**
 * The network layer shared by the PWA and the relay: protocol ids and limits, request/response over
 * libp2p streams, gossip, and the browser's libp2p node. Node-only parts (the relay host, the peer key
 * file) are in `index.node.ts`. See docs/net.md and docs/limits.md.
 *
 * @example
 * const node = await createBrowserNode({ networkId, relays: ['/dns4/relay.example/tcp/443/wss/p2p/12D3KooW…'] })
 * const bytes = await node.reqresp.request(relayPeerId, node.protocols.light, query, { signal })
 */
export {
  BROWSER_MAX_CONNECTIONS,
  BROWSER_PING_INTERVAL_MS,
  type BrowserNode,
  type BrowserNodeInit,
  browserDialFilter,
  createBrowserNode,
  type IceServer,
} from './browser-node.js'
export * from './errors.js'
export {
  createGossip,
  GOSSIP_SEEN_TTL_MS,
  type Gossip,
  type GossipHandler,
  type GossipInit,
  type GossipStats,
  type GossipValidator,
  type GossipVerdict,
  gossipsubOptions,
  TOPIC_SCORE,
} from './gossip.js'
export {
  type ConnectionCounts,
  type HostEventMap,
  type HostEvents,
  MAX_INBOUND_STREAMS_PER_CONNECTION,
  PING_TIMEOUT_MAX_MS,
  PING_TIMEOUT_MIN_MS,
} from './host-common.js'
export { errorText, type LogFields, type Logger, type LoggerFactory, silentLogger } from './log.js'
export * from './protocols.js'
export { type BucketSpec, TokenBuckets } from './rate-limit.js'
export {
  createReqResp,
  decodeResponse,
  ERROR_CODES,
  type HandleOptions,
  type ReqResp,
  type ReqRespInit,
  type ReqRespNode,
  type ReqRespStats,
  type RequestHandler,
  type RequestOptions,
  STATUS_OK,
} from './reqresp.js'
