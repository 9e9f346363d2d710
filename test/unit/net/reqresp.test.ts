/**
 * Request/response between real relay hosts on 127.0.0.1: round trips, every limit (size both ways,
 * rate, concurrency, deadlines), handler failures and hostile bytes, each followed by proof that the
 * host still serves.
 */
import { lpStream } from '@libp2p/utils'
import { describe, expect, test } from 'vitest'
import { MalformedEncodingError } from '../../../src/core/codec/index.js'
import { RequestError } from '../../../src/net/index.js'
import type { RelayHost } from '../../../src/net/index.node.js'
import { bytes, connect, recordingLogger, sleep, startHost, str, until } from './helpers.js'

/** `fn` must reject; returns the error for assertions on its name and fields. */
async function failure(fn: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn
  } catch (err) {
    return err as Error & Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

/** The host answers a fresh request on `ledger` with its echo: it is alive and serving. */
async function expectServing(from: RelayHost, to: RelayHost): Promise<void> {
  const res = await from.reqresp.request(to.peerId, to.protocols.ledger, bytes(42))
  expect([...res]).toEqual([42, 0xee])
}

const echo = async (req: Uint8Array): Promise<Uint8Array> => Uint8Array.from([...req, 0xee])

describe('request/response', () => {
  test('round trip by multiaddr and by PeerId; the handler sees the requester', async () => {
    const a = await startHost()
    const b = await startHost()
    const seen: string[] = []
    await b.reqresp.handle(b.protocols.ledger, async (req, peer) => {
      seen.push(str(peer))
      return echo(req)
    })
    expect([...(await a.reqresp.request(b.multiaddrs()[0]!, a.protocols.ledger, bytes(1, 2, 3)))]).toEqual([
      1, 2, 3, 0xee,
    ])
    expect([...(await a.reqresp.request(b.peerId, a.protocols.ledger, new Uint8Array(0)))]).toEqual([0xee])
    expect(seen).toEqual([str(a.peerId), str(a.peerId)])
    expect(b.reqresp.stats()).toMatchObject({ served: 2, failed: 0, inflight: 0 })
  })

  test('an empty response and a response of exactly the limit both arrive', async () => {
    const a = await startHost()
    const b = await startHost()
    const limit = b.reqresp.limitsFor(b.protocols.qset).maxResponseBytes
    await b.reqresp.handle(b.protocols.qset, async (req) =>
      req[0] === 0 ? new Uint8Array(0) : new Uint8Array(limit),
    )
    await connect(a, b)
    expect((await a.reqresp.request(b.peerId, a.protocols.qset, bytes(0))).length).toBe(0)
    expect((await a.reqresp.request(b.peerId, a.protocols.qset, bytes(1))).length).toBe(limit)
  })

  test('an oversized request fails locally with MessageTooLargeError and nothing is sent', async () => {
    const a = await startHost()
    const b = await startHost()
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    const limit = a.reqresp.limitsFor(a.protocols.ledger).maxRequestBytes
    const err = await failure(a.reqresp.request(b.peerId, a.protocols.ledger, new Uint8Array(limit + 1)))
    expect(err.name).toBe('MessageTooLargeError')
    expect(err).toMatchObject({ which: 'request', size: limit + 1, limit, remote: false })
    expect(b.reqresp.stats().refusedTooLarge).toBe(0)
    await expectServing(a, b)
  })

  test('a request over the responder’s limit is refused unread: MessageTooLargeError (remote)', async () => {
    // The requester believes the limit is 1 MiB; the responder enforces 256 bytes.
    const a = await startHost({ protocolLimits: { ledger: { maxRequestBytes: 1 << 20 } } })
    const b = await startHost()
    let calls = 0
    await b.reqresp.handle(b.protocols.ledger, async (req) => {
      calls++
      return echo(req)
    })
    await connect(a, b)
    for (const size of [257, 600_000]) {
      const err = await failure(a.reqresp.request(b.peerId, a.protocols.ledger, new Uint8Array(size)))
      expect(err.name).toBe('MessageTooLargeError')
      expect(err).toMatchObject({ which: 'request', size, remote: true })
    }
    expect(calls).toBe(0)
    expect(b.reqresp.stats().refusedTooLarge).toBe(2)
    await expectServing(a, b)
  })

  test('a response over the requester’s limit resets the stream: MessageTooLargeError (response)', async () => {
    const a = await startHost({ protocolLimits: { light: { maxResponseBytes: 1024 } } })
    const b = await startHost()
    await b.reqresp.handle(b.protocols.light, async (req) => new Uint8Array(req[0] === 1 ? 300_000 : 1025))
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    for (const kind of [1, 2]) {
      const err = await failure(a.reqresp.request(b.peerId, a.protocols.light, bytes(kind)))
      expect(err.name).toBe('MessageTooLargeError')
      expect(err).toMatchObject({ which: 'response', limit: 1024, remote: false })
    }
    await expectServing(a, b)
  })

  test('a handler whose response exceeds its own limit answers internal, and the host logs it', async () => {
    const { log, entries } = recordingLogger()
    const a = await startHost()
    const b = await startHost({ log })
    await b.reqresp.handle(b.protocols.scpstate, async () => new Uint8Array(100), {
      limits: { maxResponseBytes: 99 },
    })
    await b.reqresp.handle(b.protocols.ledger, echo)
    const err = await failure(a.reqresp.request(b.multiaddrs()[0]!, a.protocols.scpstate, bytes(1)))
    expect(err.name).toBe('RemoteError')
    expect(err.code).toBe('internal')
    expect(entries.some((e) => e.level === 'error' && e.msg.includes('exceeds'))).toBe(true)
    await expectServing(a, b)
  })

  test('handler failures become error responses with codes, never crashes', async () => {
    const { log, entries } = recordingLogger()
    const a = await startHost()
    const b = await startHost({ log })
    await b.reqresp.handle(b.protocols.light, async (req) => {
      switch (req[0]) {
        case 1:
          throw new Error('database is on fire')
        case 2:
          throw new RequestError('not_found', 'no such account')
        case 3:
          throw new MalformedEncodingError('LightQuery', 'malformed CBOR: truncated')
        case 4:
          throw new RequestError('unavailable', 'not synced')
        case 5:
          return 'not bytes' as unknown as Uint8Array
        default:
          // biome-ignore lint/suspicious/noExplicitAny: a handler that throws synchronously
          return (undefined as any).boom
      }
    })
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    const codes = []
    for (const k of [1, 2, 3, 4, 5, 6]) {
      const err = await failure(a.reqresp.request(b.peerId, a.protocols.light, bytes(k)))
      expect(err.name).toBe('RemoteError')
      codes.push([err.code, err.detail])
    }
    expect(codes).toEqual([
      ['internal', 'internal error'],
      ['not_found', 'no such account'],
      ['bad_request', 'LightQuery: malformed CBOR: truncated'],
      ['unavailable', 'not synced'],
      ['internal', 'internal error'],
      ['internal', 'internal error'],
    ])
    // The internal failure is logged on the responder with its real cause, which the peer never sees.
    expect(
      entries.some((e) => e.level === 'error' && String(e.fields?.error).includes('database is on fire')),
    ).toBe(true)
    expect(b.reqresp.stats().failed).toBe(6)
    await expectServing(a, b)
  })

  test('deadlines: a slow handler answers timeout; a slow responder gives RequestTimeoutError', async () => {
    const a = await startHost()
    const b = await startHost()
    const never = (): Promise<Uint8Array> => new Promise(() => {})
    await b.reqresp.handle(b.protocols.qset, never, { limits: { timeoutMs: 200 } })
    await b.reqresp.handle(b.protocols.scpstate, never)
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)

    const slow = await failure(a.reqresp.request(b.peerId, a.protocols.qset, bytes(1)))
    expect(slow.name).toBe('RemoteError')
    expect(slow.code).toBe('timeout')

    const t0 = performance.now()
    const timeout = await failure(
      a.reqresp.request(b.peerId, a.protocols.scpstate, bytes(1), { timeoutMs: 300 }),
    )
    expect(timeout.name).toBe('RequestTimeoutError')
    expect(performance.now() - t0).toBeLessThan(5_000) // well before the protocol's 10 s

    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const aborted = await failure(
      a.reqresp.request(b.peerId, a.protocols.scpstate, bytes(1), { signal: controller.signal }),
    )
    expect(aborted.name).toBe('AbortError')
    await expectServing(a, b)
  })

  test('a flooding peer is rate-limited; another peer is still served', async () => {
    const flooder = await startHost()
    const other = await startHost()
    const b = await startHost({ protocolLimits: { ledger: { ratePerSecond: 5, burst: 10 } } })
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(flooder, b)
    await connect(other, b)

    // 60 requests, 10 at a time (under the in-flight caps, so only the rate limit can refuse).
    const results: PromiseSettledResult<Uint8Array>[] = []
    const t0 = performance.now()
    for (let batch = 0; batch < 6; batch++) {
      const reqs = Array.from({ length: 10 }, (_, i) =>
        flooder.reqresp.request(b.peerId, b.protocols.ledger, bytes(i)),
      )
      results.push(...(await Promise.allSettled(reqs)))
    }
    const ok = results.filter((r) => r.status === 'fulfilled').length
    const refused = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as Error & { code: string }] : [],
    )
    // The burst of 10, plus what refills at 5/s while the batches run.
    const refilled = Math.floor((5 * (performance.now() - t0)) / 1000)
    expect(ok).toBeGreaterThanOrEqual(10)
    expect(ok).toBeLessThanOrEqual(10 + refilled)
    expect(refused.map((e) => `${e.name}:${e.code}`)).toEqual(
      refused.map(() => 'RateLimitedError:rate_limited'),
    )
    expect(b.reqresp.stats().refusedRateLimited).toBe(60 - ok)

    // The other peer has its own bucket.
    for (let i = 0; i < 5; i++) await expectServing(other, b)
    // The flooder regains tokens over time (5/s).
    await sleep(450)
    await expectServing(flooder, b)
  })

  test('more concurrent requests than the per-peer cap get busy; the rest complete', async () => {
    const a = await startHost()
    const other = await startHost()
    const b = await startHost({ protocolLimits: { txset: { maxConcurrentPerPeer: 2 } } })
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    let entered = 0
    await b.reqresp.handle(b.protocols.txset, async (req) => {
      entered++
      await gate
      return echo(req)
    })
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    await connect(other, b)

    const pending = Array.from({ length: 3 }, (_, i) =>
      a.reqresp.request(b.peerId, b.protocols.txset, bytes(i)),
    )
    const settled = Promise.allSettled(pending)
    await until(() => entered === 2, 5_000, 'two handlers running')
    // libp2p's own per-connection cap (2 × ours) resets a fourth and fifth stream outright.
    const extra = await Promise.allSettled(
      Array.from({ length: 2 }, (_, i) => a.reqresp.request(b.peerId, b.protocols.txset, bytes(10 + i))),
    )
    await expectServing(other, b)
    release()
    const results = await settled
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(2)
    const busy = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(busy.reason.name).toBe('RateLimitedError')
    expect(busy.reason.code).toBe('busy')
    // Refused by us (busy) or reset by libp2p's cap: either way a named error, and nothing ran.
    for (const r of extra) {
      expect(r.status).toBe('rejected')
      expect(['RateLimitedError', 'RequestFailedError']).toContain((r as PromiseRejectedResult).reason.name)
    }
    expect(entered).toBe(2)
    expect(b.reqresp.stats()).toMatchObject({ served: 3, inflight: 0 })
    expect(b.reqresp.stats().refusedBusy).toBeGreaterThanOrEqual(1)
    await expectServing(a, b)
  })

  test('garbage on raw streams does not crash the host', async () => {
    const a = await startHost()
    const b = await startHost()
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    const raw = async (protocol: string, payload: Uint8Array, close = true): Promise<void> => {
      const stream = await a.libp2p.dialProtocol(b.peerId, protocol)
      stream.send(payload)
      if (close) await stream.close().catch(() => {})
      else setTimeout(() => stream.abort(new Error('test done')), 300)
    }
    // Malformed: a zero-valued varint that never ends, a length with too few bytes, nothing at all.
    await raw(b.protocols.ledger, new Uint8Array(12).fill(0x80))
    await raw(b.protocols.ledger, bytes(100, 1, 2, 3))
    await raw(b.protocols.ledger, new Uint8Array(0))
    // Too large: 0xff… (grows past the limit at its second byte), a 2^40 length prefix.
    await raw(b.protocols.ledger, new Uint8Array(12).fill(0xff))
    await raw(b.protocols.ledger, bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x20))
    // Random bytes into gossipsub and identify.
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)
    await raw('/meshsub/1.1.0', noise)
    await raw('/meshsub/1.2.0', bytes(0xff, 0xff, 0xff, 0xff, 0x0f, ...noise))
    await raw('/ipfs/id/push/1.0.0', noise)
    await until(
      () => b.reqresp.stats().malformed + b.reqresp.stats().refusedTooLarge >= 5,
      6_000,
      'drops counted',
    )
    expect(b.reqresp.stats()).toMatchObject({ malformed: 3, refusedTooLarge: 2, inflight: 0 })
    await expectServing(a, b)
  })

  test('bad response frames and unsupported protocols give named errors', async () => {
    const a = await startHost()
    const b = await startHost()
    await connect(a, b)
    const respond = (frame: Uint8Array | null) => async (stream: import('@libp2p/interface').Stream) => {
      const lp = lpStream(stream)
      await lp.read()
      if (frame !== null) await lp.write(frame)
      await stream.close()
    }
    await b.libp2p.handle(b.protocols.ledger, respond(bytes(200, 1, 2)))
    await b.libp2p.handle(b.protocols.qset, respond(new Uint8Array(0)))
    await b.libp2p.handle(b.protocols.scpstate, respond(null))
    for (const [protocol, name] of [
      [b.protocols.ledger, 'InvalidResponseError'],
      [b.protocols.qset, 'InvalidResponseError'],
      [b.protocols.scpstate, 'InvalidResponseError'],
      [b.protocols.txset, 'RequestFailedError'],
    ] as const) {
      const err = await failure(a.reqresp.request(b.peerId, protocol, bytes(1)))
      expect(err.name, protocol).toBe(name)
    }
  })

  test('a protocol outside PROTOCOL_LIMITS needs explicit limits on both sides', async () => {
    const a = await startHost()
    const b = await startHost()
    const custom = '/watt-test/echo/1.0.0'
    const limits = {
      maxRequestBytes: 8,
      maxResponseBytes: 16,
      timeoutMs: 1_000,
      ratePerSecond: 10,
      burst: 10,
    }
    await expect(b.reqresp.handle(custom, echo)).rejects.toThrow(RangeError)
    await b.reqresp.handle(custom, echo, { limits: { ...limits, maxConcurrentPerPeer: 1 } })
    await connect(a, b)
    await expect(a.reqresp.request(b.peerId, custom, bytes(1))).rejects.toThrow(RangeError)
    const res = await a.reqresp.request(b.peerId, custom, bytes(1), {
      limits: { ...limits, maxConcurrentPerPeer: 1 },
    })
    expect([...res]).toEqual([1, 0xee])
  })

  test('a stopped service refuses requests and unregisters its handlers', async () => {
    const a = await startHost()
    const b = await startHost()
    await b.reqresp.handle(b.protocols.ledger, echo)
    await connect(a, b)
    await b.reqresp.stop()
    expect((await failure(b.reqresp.request(a.peerId, a.protocols.ledger, bytes(1)))).name).toBe(
      'NotStartedError',
    )
    expect((await failure(a.reqresp.request(b.peerId, a.protocols.ledger, bytes(1)))).name).toBe(
      'RequestFailedError',
    )
  })
})
