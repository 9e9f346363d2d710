/**
 * Protocol ids, gossip topics and their limits (docs/net.md, docs/limits.md).
 *
 * Every id is namespaced by network: `/watt/<first 8 hex digits of the network id>/<name>/1.0.0`, so a
 * testnet node and a mainnet node that meet never exchange a message (libp2p's multistream-select
 * refuses the protocol, gossipsub never joins the other's topics). The limits below are the only size,
 * rate and concurrency bounds of the request/response protocols; each value says where it comes from.
 */
import { toHex } from '../core/codec/index.js'
import { MAX_TX_BYTES, TransactionSetType } from '../core/ledger/types.js'
import { MAX_ENVELOPE_BYTES, MAX_QUORUM_SET_BYTES } from '../core/scp/codec.js'

/** Major version shared by every Watt protocol id; bump one protocol's own version when its body changes. */
export const PROTOCOL_VERSION = '1.0.0'

/** Gossip topics (flooded among validators). */
export const TOPIC_NAMES = ['scp', 'tx'] as const
export type TopicName = (typeof TOPIC_NAMES)[number]

/** Request/response protocols. The node supplies the handlers and the body codecs. */
export const PROTOCOL_NAMES = ['ledger', 'txset', 'qset', 'scpstate', 'push', 'light'] as const
export type ProtocolName = (typeof PROTOCOL_NAMES)[number]

export type TopicIds = Readonly<Record<TopicName, string>>
export type ProtocolIds = Readonly<Record<ProtocolName, string>>

/** The 8-hex-digit network tag used in every id: the first 4 bytes of `networkIdOf(passphrase)`. */
export function networkTag(networkId: Uint8Array): string {
  if (networkId.length !== 32)
    throw new RangeError(`networkTag: expected a 32-byte network id, got ${networkId.length}`)
  return toHex(networkId.subarray(0, 4))
}

const idOf = (tag: string, name: string): string => `/watt/${tag}/${name}/${PROTOCOL_VERSION}`

/** Gossip topic names of a network, e.g. `/watt/1a2b3c4d/scp/1.0.0`. */
export function topicIds(networkId: Uint8Array): TopicIds {
  const tag = networkTag(networkId)
  return { scp: idOf(tag, 'scp'), tx: idOf(tag, 'tx') }
}

/** Request/response protocol ids of a network, e.g. `/watt/1a2b3c4d/ledger/1.0.0`. */
export function protocolIds(networkId: Uint8Array): ProtocolIds {
  const tag = networkTag(networkId)
  return {
    ledger: idOf(tag, 'ledger'),
    txset: idOf(tag, 'txset'),
    qset: idOf(tag, 'qset'),
    scpstate: idOf(tag, 'scpstate'),
    push: idOf(tag, 'push'),
    light: idOf(tag, 'light'),
  }
}

const ID_PATTERN = /^\/watt\/[0-9a-f]{8}\/([a-z]+)\/\d+\.\d+\.\d+$/

/** The protocol name inside a Watt protocol id (`ledger` for `/watt/…/ledger/1.0.0`), or undefined. */
export function protocolNameOf(protocol: string): ProtocolName | undefined {
  const name = ID_PATTERN.exec(protocol)?.[1]
  return (PROTOCOL_NAMES as readonly string[]).includes(name ?? '') ? (name as ProtocolName) : undefined
}

// -------------------------------------------------------------------------------------------------
// Limits

const KiB = 1024
const MiB = 1024 * KiB

/** The limits of one request/response protocol, enforced by src/net/reqresp.ts on both sides. */
export interface ProtocolLimits {
  /** Largest request body in bytes. A larger request is refused before it is sent (or read). */
  readonly maxRequestBytes: number
  /** Largest response payload in bytes (the status byte is extra). */
  readonly maxResponseBytes: number
  /**
   * The requester's default deadline for the whole exchange (open stream, send, receive), and the
   * responder's deadline for its handler.
   */
  readonly timeoutMs: number
  /** Token bucket per (peer, protocol) on the responder: sustained requests per second ... */
  readonly ratePerSecond: number
  /** ... and the bucket's size (requests one peer may make at once after being idle). */
  readonly burst: number
  /** Requests of this protocol one peer may have in flight on the responder at the same time. */
  readonly maxConcurrentPerPeer: number
}

/**
 * A request body is a small CBOR value (a sequence number, a 32-byte hash, a slot): 256 bytes leave
 * room for a version, a tag and future fields while keeping a flood of requests cheap to read.
 */
export const SMALL_REQUEST_BYTES = 256

/**
 * Per-protocol limits. Sizes derive from the core's own message limits so a legitimate response
 * always fits; rates and concurrency are sized for catch-up by one validator (the heaviest honest
 * user) and keep a misbehaving peer to a bounded share of one relay (docs/limits.md).
 */
export const PROTOCOL_LIMITS: Readonly<Record<ProtocolName, ProtocolLimits>> = {
  /**
   * A closed ledger by sequence: its header (LedgerHeaderType.maxBytes = 40 KiB) and its quorum
   * certificate (EXTERNALIZE envelopes, ~700 bytes each; 1 MiB holds a certificate of over 1,000
   * validators). The transaction set goes by `txset`; results are recomputed by replay.
   * Catch-up fetches ledgers back to back, so the rate is high (200/s, burst 400) and 16 may be
   * in flight.
   */
  ledger: {
    maxRequestBytes: SMALL_REQUEST_BYTES,
    maxResponseBytes: 1 * MiB,
    timeoutMs: 10_000,
    ratePerSecond: 200,
    burst: 400,
    maxConcurrentPerPeer: 16,
  },
  /**
   * A transaction set by hash: up to TransactionSetType.maxBytes (24 MiB, 10,000 transactions of at
   * most 16 KiB plus attestations). 30 s lets 24 MiB through a 1 MB/s link. Four in flight bound a
   * peer's worst-case response memory on the responder to 96 MiB.
   */
  txset: {
    maxRequestBytes: SMALL_REQUEST_BYTES,
    maxResponseBytes: TransactionSetType.maxBytes,
    timeoutMs: 30_000,
    ratePerSecond: 50,
    burst: 100,
    maxConcurrentPerPeer: 4,
  },
  /** A quorum set by hash: up to MAX_QUORUM_SET_BYTES (84 KiB). Fetched once per new validator. */
  qset: {
    maxRequestBytes: SMALL_REQUEST_BYTES,
    maxResponseBytes: MAX_QUORUM_SET_BYTES,
    timeoutMs: 5_000,
    ratePerSecond: 20,
    burst: 50,
    maxConcurrentPerPeer: 4,
  },
  /**
   * The latest SCP messages the responder holds for a slot: at most a nomination and a ballot
   * statement per validator. Typical envelopes are under 2 KiB, so 4 MiB holds 1,000 validators;
   * a handler with more must send its newest envelopes first and stop at the limit. Asked when a node
   * (re)joins a slot, so 2/s suffices.
   */
  scpstate: {
    maxRequestBytes: SMALL_REQUEST_BYTES,
    maxResponseBytes: 4 * MiB,
    timeoutMs: 10_000,
    ratePerSecond: 2,
    burst: 10,
    maxConcurrentPerPeer: 2,
  },
  /**
   * SCP envelopes and transactions sent straight to one validator peer, outside gossip: gossip drops a
   * second publish of the same bytes for GOSSIP_SEEN_TTL_MS, so what a peer missed (it was not yet
   * connected, or the publish reached nobody) goes again by this protocol — our latest SCP messages
   * to a new peer and when consensus stalls, queued transactions that are still waiting. 1 MiB per
   * request holds a few envelopes of the largest size or 64 transactions of the largest size; the
   * answer is a one-byte acknowledgement. Each validator sends this a few times per ledger at most.
   */
  push: {
    maxRequestBytes: 1 * MiB,
    maxResponseBytes: 16,
    timeoutMs: 10_000,
    ratePerSecond: 20,
    burst: 40,
    maxConcurrentPerPeer: 2,
  },
  /**
   * Light-client queries from browsers: latest certified header, account with state proof
   * (Entry ≤ 64 KiB + SMT proof ≤ 8,815 bytes + header), transaction status with inclusion proof,
   * submit transaction. The request holds at most one transaction (MAX_TX_BYTES = 16 KiB) plus
   * 1 KiB for the query tag; 512 KiB of response fits the largest entry, its proof, a header and a
   * certificate of a few hundred validators. 10/s with a burst of 30 covers a wallet refreshing
   * several accounts; a phone never needs more.
   */
  light: {
    maxRequestBytes: MAX_TX_BYTES + 1 * KiB,
    maxResponseBytes: 512 * KiB,
    timeoutMs: 10_000,
    ratePerSecond: 10,
    burst: 30,
    maxConcurrentPerPeer: 4,
  },
}

/**
 * Largest gossip message per topic. An SCP envelope is at most MAX_ENVELOPE_BYTES (132,030 bytes, a
 * NOMINATE with both lists full); a transaction envelope at most MAX_TX_BYTES (16 KiB). Larger
 * messages are rejected by the validator wrapper (and the sender penalised) and refused by publish.
 */
export const TOPIC_MAX_BYTES: Readonly<Record<TopicName, number>> = {
  scp: MAX_ENVELOPE_BYTES,
  tx: MAX_TX_BYTES,
}

/**
 * Largest gossipsub RPC frame read from a peer (gossipsub's `maxInboundDataLength`). One RPC may batch
 * several messages plus control data; 1 MiB holds seven maximal SCP envelopes and bounds the
 * memory one frame can make a node allocate (gossipsub's default is 4 MiB).
 */
export const GOSSIP_MAX_RPC_BYTES = 1 * MiB

/** An error response's free-text detail is cut to this many bytes (it is for logs). */
export const MAX_ERROR_DETAIL_BYTES = 256

/**
 * The responder waits at most this long for the request bytes once a stream is open: a peer that
 * opens streams and sends nothing (slowloris) ties up a concurrency slot for 5 s at most.
 */
export const REQUEST_READ_TIMEOUT_MS = 5_000
