/**
 * Gossip among validators: SCP envelopes (`scp`) and submitted transactions (`tx`) over gossipsub
 * (docs/net.md §Gossip).
 *
 * - Message id = SHA-256 of the data, messages unsigned by libp2p (StrictNoSign): the payloads carry
 *   their own Ed25519 signatures, so an envelope that reaches a node from two peers (or is published
 *   by two nodes) has one id and is handled once.
 * - The node's validator runs before a message is delivered or forwarded: `reject` drops it, stops it
 *   from being forwarded and lowers the sender's score (P4, invalid deliveries); `ignore` only drops
 *   it. Oversized messages are rejected before the validator runs.
 * - Until the node sets a validator for a topic, its messages are ignored (never forwarded).
 */
import type { GossipSub, GossipsubMessage, GossipsubOpts } from '@libp2p/gossipsub'
import { StrictNoSign, TopicValidatorResult } from '@libp2p/gossipsub'
import { createTopicScoreParams, type TopicScoreParams } from '@libp2p/gossipsub/score'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import { sha256 } from '../core/codec/index.js'
import { AbortError, MessageTooLargeError, NotStartedError } from './errors.js'
import { errorText, type Logger, type LoggerFactory, silentLogger } from './log.js'
import {
  GOSSIP_MAX_RPC_BYTES,
  TOPIC_MAX_BYTES,
  TOPIC_NAMES,
  type TopicIds,
  type TopicName,
} from './protocols.js'

export type GossipVerdict = 'accept' | 'reject' | 'ignore'
/** Judges a message before it is delivered or forwarded. Must be fast (gossipsub expects < 100 ms). */
export type GossipValidator = (data: Uint8Array, from: PeerId) => GossipVerdict | Promise<GossipVerdict>
/** Receives each accepted message once. `from` is the peer that forwarded it to us. */
export type GossipHandler = (data: Uint8Array, from: PeerId) => void

export interface GossipStats {
  received: Record<TopicName, number>
  rejected: Record<TopicName, number>
  ignored: Record<TopicName, number>
  published: Record<TopicName, number>
}

export interface Gossip {
  /** Deliver accepted messages of `topic` to `handler`. Returns the unsubscribe function. */
  subscribe(topic: TopicName, handler: GossipHandler): () => void
  /** Set (replace) the validator of a topic. */
  setValidator(topic: TopicName, validator: GossipValidator): void
  /**
   * Publish to every peer on the topic. Returns how many peers it was sent to (0 when no peer is
   * subscribed yet, or when the same data was already seen within the seen-cache TTL). Throws
   * MessageTooLargeError over the topic's limit.
   */
  publish(topic: TopicName, data: Uint8Array, options?: AbortOptions): Promise<{ recipients: number }>
  /** Peers known to be subscribed to a topic. */
  subscribers(topic: TopicName): PeerId[]
  /** Peers in our mesh for a topic (the ones we forward to), as strings. */
  meshPeers(topic: TopicName): string[]
  /** gossipsub's score of a peer (negative after invalid messages; below -80 it is ignored). */
  score(peer: PeerId): number
  stats(): GossipStats
  start(): void
  stop(): void
}

export interface GossipInit {
  pubsub: GossipSub
  topics: TopicIds
  validators?: Partial<Record<TopicName, GossipValidator>>
  /** Overrides of TOPIC_MAX_BYTES (tests). */
  maxBytes?: Partial<Record<TopicName, number>>
  log?: LoggerFactory
}

/**
 * Score of one topic. Only invalid deliveries (P4) and a little credit for first deliveries (P2)
 * count; the mesh-delivery-rate penalties (P3, P3b) are off because validator traffic is bursty (a
 * few envelopes per ledger) and a quiet honest validator must not be pruned for it.
 *
 * P4 is quadratic: one rejected message costs 20 (below the gossip threshold of -10: no gossip
 * exchanged with the peer), two cost 80 (graylist: everything from the peer is ignored). It decays
 * by 1% a second (half-life ~69 s), so an honest node that sent one bad message recovers in minutes.
 */
export const TOPIC_SCORE: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -20,
  invalidMessageDeliveriesDecay: 0.99,
}

/** How long a message id is remembered: a re-publish of the same bytes within it is a no-op. */
export const GOSSIP_SEEN_TTL_MS = 120_000

/**
 * Options for `gossipsub()` that make it behave as described at the top of this file. Spread them
 * into the gossipsub init of the host.
 */
export function gossipsubOptions(topics: TopicIds): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: StrictNoSign,
    msgIdFn: (msg) => sha256(msg.data),
    seenTTL: GOSSIP_SEEN_TTL_MS,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    emitSelf: false,
    floodPublish: true,
    allowedTopics: [topics.scp, topics.tx],
    maxInboundDataLength: GOSSIP_MAX_RPC_BYTES,
    scoreParams: {
      topics: { [topics.scp]: scoreOf(), [topics.tx]: scoreOf() },
      // Gossip peers are validators named in quorum sets, often several per host in a devnet; the
      // same-IP penalty is aimed at open sybil swarms, which the quorum configuration already excludes.
      IPColocationFactorWeight: 0,
    },
  }
}

function scoreOf(): TopicScoreParams {
  // gossipsub's defaults fill the fields left out (decays, windows); ours set the weights.
  return createTopicScoreParams(TOPIC_SCORE)
}

export function createGossip(init: GossipInit): Gossip {
  return new GossipService(init)
}

const VERDICT: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
}

const perTopic = (): Record<TopicName, number> => ({ scp: 0, tx: 0 })

class GossipService implements Gossip {
  readonly #pubsub: GossipSub
  readonly #topics: TopicIds
  readonly #nameOf: Map<string, TopicName>
  readonly #maxBytes: Record<TopicName, number>
  readonly #validators = new Map<TopicName, GossipValidator>()
  readonly #handlers = new Map<TopicName, Set<GossipHandler>>()
  readonly #log: Logger
  readonly #stats: GossipStats = {
    received: perTopic(),
    rejected: perTopic(),
    ignored: perTopic(),
    published: perTopic(),
  }
  #started = false

  constructor(init: GossipInit) {
    this.#pubsub = init.pubsub
    this.#topics = init.topics
    this.#nameOf = new Map(TOPIC_NAMES.map((n) => [init.topics[n], n]))
    this.#maxBytes = { ...TOPIC_MAX_BYTES, ...init.maxBytes }
    this.#log = (init.log ?? silentLogger)('net:gossip')
    for (const [topic, v] of Object.entries(init.validators ?? {})) {
      if (v) this.#validators.set(topic as TopicName, v)
    }
  }

  readonly #onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msg, propagationSource } = evt.detail
    const topic = this.#nameOf.get(msg.topic)
    if (topic === undefined) return
    this.#stats.received[topic]++
    for (const handler of this.#handlers.get(topic) ?? []) {
      try {
        handler(msg.data, propagationSource)
      } catch (err) {
        this.#log.error('gossip handler threw', { topic, error: errorText(err) })
      }
    }
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    for (const topic of TOPIC_NAMES) {
      this.#pubsub.topicValidators.set(this.#topics[topic], (peer, msg) =>
        this.#validate(topic, msg.data, peer),
      )
      if ((this.#handlers.get(topic)?.size ?? 0) > 0) this.#pubsub.subscribe(this.#topics[topic])
    }
    this.#pubsub.addEventListener('gossipsub:message', this.#onMessage)
  }

  stop(): void {
    if (!this.#started) return
    this.#started = false
    this.#pubsub.removeEventListener('gossipsub:message', this.#onMessage)
    for (const topic of TOPIC_NAMES) this.#pubsub.topicValidators.delete(this.#topics[topic])
  }

  async #validate(topic: TopicName, data: Uint8Array, from: PeerId): Promise<TopicValidatorResult> {
    if (data.length > this.#maxBytes[topic]) {
      this.#stats.rejected[topic]++
      this.#log.debug('rejected: message too large', { topic, peer: from.toString(), size: data.length })
      return TopicValidatorResult.Reject
    }
    const validator = this.#validators.get(topic)
    if (validator === undefined) {
      this.#stats.ignored[topic]++
      return TopicValidatorResult.Ignore
    }
    let verdict: GossipVerdict
    try {
      verdict = await validator(data, from)
    } catch (err) {
      // Our validator's bug, not the peer's fault: drop without penalty.
      this.#log.error('gossip validator threw', { topic, error: errorText(err) })
      verdict = 'ignore'
    }
    const result = VERDICT[verdict] ?? TopicValidatorResult.Ignore
    if (result === TopicValidatorResult.Reject) {
      this.#stats.rejected[topic]++
      this.#log.debug('rejected by validator', { topic, peer: from.toString() })
    } else if (result === TopicValidatorResult.Ignore) {
      this.#stats.ignored[topic]++
    }
    return result
  }

  subscribe(topic: TopicName, handler: GossipHandler): () => void {
    let set = this.#handlers.get(topic)
    if (set === undefined) {
      set = new Set()
      this.#handlers.set(topic, set)
    }
    set.add(handler)
    if (this.#started && set.size === 1) this.#pubsub.subscribe(this.#topics[topic])
    return () => {
      if (!set.delete(handler)) return
      if (this.#started && set.size === 0) this.#pubsub.unsubscribe(this.#topics[topic])
    }
  }

  setValidator(topic: TopicName, validator: GossipValidator): void {
    this.#validators.set(topic, validator)
  }

  async publish(
    topic: TopicName,
    data: Uint8Array,
    options: AbortOptions = {},
  ): Promise<{ recipients: number }> {
    if (!this.#started) throw new NotStartedError('gossip.publish: call start() first')
    const limit = this.#maxBytes[topic]
    if (data.length > limit)
      throw new MessageTooLargeError('request', data.length, limit, this.#topics[topic])
    if (options.signal?.aborted) throw new AbortError()
    const { recipients } = await this.#pubsub.publish(this.#topics[topic], data)
    this.#stats.published[topic]++
    return { recipients: recipients.length }
  }

  subscribers(topic: TopicName): PeerId[] {
    return this.#pubsub.getSubscribers(this.#topics[topic])
  }

  meshPeers(topic: TopicName): string[] {
    return (this.#pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(
      this.#topics[topic],
    )
  }

  score(peer: PeerId): number {
    return (this.#pubsub as unknown as { getScore(p: string): number }).getScore(peer.toString())
  }

  stats(): GossipStats {
    return {
      received: { ...this.#stats.received },
      rejected: { ...this.#stats.rejected },
      ignored: { ...this.#stats.ignored },
      published: { ...this.#stats.published },
    }
  }
}
