/**
 * How the light client reaches relays: one request/response exchange of the `light` protocol at a time.
 * The default is a libp2p browser node (libp2p-transport.ts, loaded lazily so the app shell stays small);
 * unit tests plug in relays that live in the same process.
 */

export interface LightTransport {
  /** Dial a relay (a multiaddr ending in `/p2p/<id>`); resolves with its peer id. */
  connect(addr: string, options?: { signal?: AbortSignal }): Promise<string>
  /**
   * One `light` request (LightRequestType bytes) to a connected relay; resolves with the response body
   * (LightResponseType bytes). Throws the network layer's named errors (docs/net.md §Requester errors).
   */
  request(
    peerId: string,
    body: Uint8Array,
    options?: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<Uint8Array>
  /** Is there an open connection to this peer? */
  connected(peerId: string): boolean
  /** Called when the last connection to a peer closes; returns an unsubscribe function. */
  onDisconnect(fn: (peerId: string) => void): () => void
  stop(): Promise<void>
}

export interface TransportInit {
  networkId: Uint8Array
  allowInsecureLocal: boolean
}

export type TransportFactory = (init: TransportInit) => Promise<LightTransport>
