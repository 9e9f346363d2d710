/**
 * The network layer for Node (the relay): everything in index.ts plus the relay host and the peer
 * key file.
 */
export * from './index.js'
export { loadOrCreatePeerKey } from './peer-key.node.js'
export * from './relay-host.node.js'
