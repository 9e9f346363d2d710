/**
 * Gossip between real relay hosts on 127.0.0.1: delivery both ways, de-duplication by message id,
 * validators that reject (not forwarded, sender penalised), size limits and failing callbacks.
 */
import type { PeerId } from '@libp2p/interface'
import { describe, expect, test } from 'vitest'
import type { GossipVerdict, TopicName } from '../../../src/net/index.js'
import type { RelayHost } from '../../../src/net/index.node.js'
import { bytes, connect, recordingLogger, sleep, startHost, str, until } from './helpers.js'

type Received = { data: number[]; from: string }[]

/** Subscribe `host` to `topic`, recording what its handler gets. */
function listen(host: RelayHost, topic: TopicName = 'scp'): Received {
  const got: Received = []
  host.gossip.subscribe(topic, (data, from: PeerId) => got.push({ data: [...data], from: str(from) }))
  return got
}

/** Wait until `a` has `b` in its mesh for `topic` (messages are forwarded along mesh links only). */
async function meshed(a: RelayHost, b: RelayHost, topic: TopicName = 'scp'): Promise<void> {
  await until(() => a.gossip.meshPeers(topic).includes(str(b.peerId)), 8_000, `${topic} mesh link`)
}

const accept = (): GossipVerdict => 'accept'

describe('gossip', () => {
  test('two hosts exchange envelopes both ways; each is delivered once', async () => {
    const a = await startHost({ gossipValidators: { scp: accept, tx: accept } })
    const b = await startHost({ gossipValidators: { scp: accept, tx: accept } })
    const atA = listen(a)
    const atB = listen(b)
    const txAtB = listen(b, 'tx')
    await connect(a, b)
    await meshed(a, b)
    await meshed(b, a)

    expect(await a.gossip.publish('scp', bytes(1, 1))).toEqual({ recipients: 1 })
    expect(await b.gossip.publish('scp', bytes(2, 2))).toEqual({ recipients: 1 })
    await a.gossip.publish('tx', bytes(3))
    await until(() => atA.length === 1 && atB.length === 1 && txAtB.length === 1, 5_000, 'delivery')
    expect(atB).toEqual([{ data: [1, 1], from: str(a.peerId) }])
    expect(atA).toEqual([{ data: [2, 2], from: str(b.peerId) }])
    expect(txAtB).toEqual([{ data: [3], from: str(a.peerId) }])

    // Publishing the same bytes again within the seen TTL is a no-op (same message id).
    expect(await a.gossip.publish('scp', bytes(1, 1))).toEqual({ recipients: 0 })
    // B re-publishing what it received is a no-op too: A never sees its own envelope come back.
    expect(await b.gossip.publish('scp', bytes(1, 1))).toEqual({ recipients: 0 })
    await sleep(300)
    expect(atA.length).toBe(1)
    expect(atB.length).toBe(1)
  })

  test('the same envelope published by two peers is handled once by the node between them', async () => {
    const hosts = await Promise.all([0, 1, 2].map(() => startHost({ gossipValidators: { scp: accept } })))
    const [a, b, c] = hosts as [RelayHost, RelayHost, RelayHost]
    const atB = listen(b)
    listen(a)
    listen(c)
    await connect(a, b)
    await connect(c, b)
    await meshed(a, b)
    await meshed(c, b)
    const envelope = bytes(7, 7, 7)
    await Promise.all([a.gossip.publish('scp', envelope), c.gossip.publish('scp', envelope)])
    await until(() => atB.length === 1, 5_000, 'delivery to B')
    await sleep(300)
    expect(atB.map((m) => m.data)).toEqual([[7, 7, 7]])
    expect(b.gossip.stats().received.scp).toBe(1)
  })

  test('a validator that rejects stops forwarding to a third host and penalises the sender', async () => {
    // a — b — c in a line; b rejects messages starting with 0xBA.
    const verdicts: string[] = []
    const a = await startHost({ gossipValidators: { scp: accept } })
    const b = await startHost({
      gossipValidators: {
        scp: (data) => {
          const v: GossipVerdict = data[0] === 0xba ? 'reject' : 'accept'
          verdicts.push(v)
          return v
        },
      },
    })
    const c = await startHost({ gossipValidators: { scp: accept } })
    listen(a)
    const atB = listen(b)
    const atC = listen(c)
    await connect(a, b)
    await connect(b, c)
    await meshed(a, b)
    await meshed(b, c)
    expect(c.libp2p.getConnections(a.peerId)).toEqual([])

    await a.gossip.publish('scp', bytes(1))
    await until(() => atC.length === 1, 5_000, 'a good message through b')
    expect(b.gossip.score(a.peerId)).toBeGreaterThanOrEqual(0)

    await a.gossip.publish('scp', bytes(0xba, 1))
    await a.gossip.publish('scp', bytes(2))
    await until(() => atC.length === 2, 5_000, 'the second good message')
    await sleep(300)
    expect(atC.map((m) => m.data)).toEqual([[1], [2]])
    expect(atB.map((m) => m.data)).toEqual([[1], [2]])
    expect(verdicts).toEqual(['accept', 'reject', 'accept'])
    expect(b.gossip.stats().rejected.scp).toBe(1)
    // One invalid delivery costs 20 under TOPIC_SCORE (P4 = -20 × 1²), less small credits; the score
    // is cached for a heartbeat (1 s).
    await until(() => b.gossip.score(a.peerId) < -10, 3_000, 'the penalty')
  })

  test('size limits: publish refuses an oversized message; a receiver rejects one', async () => {
    const a = await startHost({ gossipValidators: { tx: accept } })
    const b = await startHost({ gossipValidators: { tx: accept } })
    const atB = listen(b, 'tx')
    listen(a, 'tx')
    await connect(a, b)
    await meshed(a, b, 'tx')

    const err = await a.gossip.publish('tx', new Uint8Array(16 * 1024 + 1)).catch((e: Error) => e)
    expect((err as Error).name).toBe('MessageTooLargeError')

    // Bypass A's own check through gossipsub directly: B rejects the oversized message.
    const pubsub = (a.libp2p.services as { pubsub: { publish(t: string, d: Uint8Array): Promise<unknown> } })
      .pubsub
    await pubsub.publish(a.topics.tx, new Uint8Array(20_000))
    await a.gossip.publish('tx', bytes(9))
    await until(() => atB.length === 1, 5_000, 'the small message')
    await sleep(200)
    expect(atB.map((m) => m.data)).toEqual([[9]])
    expect(b.gossip.stats().rejected.tx).toBe(1)
  })

  test('a throwing validator ignores (no penalty); a throwing handler does not stop others', async () => {
    const { log, entries } = recordingLogger()
    const a = await startHost({ gossipValidators: { scp: accept } })
    const b = await startHost({
      log,
      gossipValidators: {
        scp: (data) => {
          if (data[0] === 0) throw new Error('validator bug')
          return 'accept'
        },
      },
    })
    const atB: number[][] = []
    b.gossip.subscribe('scp', () => {
      throw new Error('handler bug')
    })
    b.gossip.subscribe('scp', (data) => atB.push([...data]))
    listen(a)
    await connect(a, b)
    await meshed(a, b)
    await a.gossip.publish('scp', bytes(0))
    await a.gossip.publish('scp', bytes(1))
    await until(() => atB.length === 1, 5_000, 'delivery')
    expect(atB).toEqual([[1]])
    expect(b.gossip.stats().ignored.scp).toBe(1)
    expect(b.gossip.score(a.peerId)).toBeGreaterThanOrEqual(0)
    expect(entries.filter((e) => e.level === 'error').map((e) => e.msg)).toEqual([
      'gossip validator threw',
      'gossip handler threw',
    ])
  })

  test('without a validator a topic’s messages are ignored, not forwarded', async () => {
    const a = await startHost({ gossipValidators: { tx: accept } })
    const b = await startHost()
    const atB = listen(b, 'tx')
    listen(a, 'tx')
    await connect(a, b)
    await meshed(a, b, 'tx')
    await a.gossip.publish('tx', bytes(5))
    await until(() => b.gossip.stats().ignored.tx === 1, 5_000, 'the ignore')
    expect(atB).toEqual([])
    b.gossip.setValidator('tx', accept)
    await a.gossip.publish('tx', bytes(6))
    await until(() => atB.length === 1, 5_000, 'delivery once validated')
  })
})
