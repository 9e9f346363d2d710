/**
 * The pure parts of the network layer: protocol ids and limits, token buckets, response frames, and
 * the frame reader on an in-memory stream pair (chunk boundaries, limits, early ends).
 */
import { streamPair } from '@libp2p/utils'
import { describe, expect, test } from 'vitest'
import { MAX_TX_BYTES, TransactionSetType } from '../../../src/core/ledger/types.js'
import { MAX_ENVELOPE_BYTES, MAX_QUORUM_SET_BYTES } from '../../../src/core/scp/codec.js'
import { encodeLengthPrefix, readFrame } from '../../../src/net/frame.js'
import {
  decodeResponse,
  ERROR_CODES,
  PROTOCOL_LIMITS,
  PROTOCOL_NAMES,
  protocolIds,
  protocolNameOf,
  TOPIC_MAX_BYTES,
  TokenBuckets,
  topicIds,
} from '../../../src/net/index.js'
import { networkId } from './helpers.js'

const limits = PROTOCOL_LIMITS.light

describe('protocol ids and limits', () => {
  test('ids are namespaced by the first 4 bytes of the network id', () => {
    const tag = Buffer.from(networkId.subarray(0, 4)).toString('hex')
    expect(protocolIds(networkId)).toEqual({
      ledger: `/watt/${tag}/ledger/1.0.0`,
      txset: `/watt/${tag}/txset/1.0.0`,
      qset: `/watt/${tag}/qset/1.0.0`,
      scpstate: `/watt/${tag}/scpstate/1.0.0`,
      push: `/watt/${tag}/push/1.0.0`,
      light: `/watt/${tag}/light/1.0.0`,
    })
    expect(topicIds(networkId)).toEqual({ scp: `/watt/${tag}/scp/1.0.0`, tx: `/watt/${tag}/tx/1.0.0` })
    const other = new Uint8Array(32).fill(1)
    expect(protocolIds(other).ledger).toBe('/watt/01010101/ledger/1.0.0')
    expect(() => protocolIds(new Uint8Array(31))).toThrow(RangeError)
  })

  test('protocolNameOf recognises Watt ids only', () => {
    for (const name of PROTOCOL_NAMES) expect(protocolNameOf(protocolIds(networkId)[name])).toBe(name)
    expect(protocolNameOf('/watt/0a0b0c0d/nope/1.0.0')).toBeUndefined()
    expect(protocolNameOf('/ipfs/ping/1.0.0')).toBeUndefined()
    expect(protocolNameOf('/watt/XYZ/ledger/1.0.0')).toBeUndefined()
  })

  test('legitimate core messages fit the limits', () => {
    expect(PROTOCOL_LIMITS.txset.maxResponseBytes).toBe(TransactionSetType.maxBytes)
    expect(PROTOCOL_LIMITS.qset.maxResponseBytes).toBe(MAX_QUORUM_SET_BYTES)
    expect(PROTOCOL_LIMITS.light.maxRequestBytes).toBeGreaterThan(MAX_TX_BYTES)
    expect(TOPIC_MAX_BYTES).toEqual({ scp: MAX_ENVELOPE_BYTES, tx: MAX_TX_BYTES })
    for (const l of Object.values(PROTOCOL_LIMITS)) {
      expect(l.burst).toBeGreaterThanOrEqual(l.ratePerSecond)
      expect(l.maxConcurrentPerPeer).toBeGreaterThan(0)
    }
  })
})

describe('token buckets', () => {
  test('a bucket starts full, empties, and refills at its rate', () => {
    let now = 0
    const buckets = new TokenBuckets({ now: () => now })
    const spec = { ratePerSecond: 2, burst: 3 }
    expect([1, 2, 3, 4].map(() => buckets.take('p', spec))).toEqual([true, true, true, false])
    expect(buckets.take('q', spec)).toBe(true) // another key is independent
    now = 499
    expect(buckets.take('p', spec)).toBe(false)
    now = 500
    expect(buckets.take('p', spec)).toBe(true)
    now = 60_000
    expect([1, 2, 3, 4].map(() => buckets.take('p', spec))).toEqual([true, true, true, false])
  })

  test('the number of tracked keys stays bounded', () => {
    let now = 0
    const buckets = new TokenBuckets({ maxKeys: 100, now: () => now })
    const spec = { ratePerSecond: 1, burst: 1 }
    for (let i = 0; i < 1_000; i++) buckets.take(`peer${i}`, spec)
    expect(buckets.size).toBeLessThanOrEqual(100)
    // Refilled buckets are forgotten first.
    now = 10_000
    buckets.take('fresh', spec)
    expect(buckets.size).toBeLessThanOrEqual(2)
    buckets.forget('fresh')
    expect(buckets.size).toBeLessThanOrEqual(1)
  })
})

describe('response frames', () => {
  const protocol = '/watt/00000000/light/1.0.0'
  test('status 0 is the payload; error statuses are named errors', () => {
    expect([...decodeResponse(Uint8Array.of(0, 1, 2), protocol, limits)]).toEqual([1, 2])
    const cases: [number, string, string][] = [
      [ERROR_CODES.not_found, 'RemoteError', 'not_found'],
      [ERROR_CODES.rate_limited, 'RateLimitedError', 'rate_limited'],
      [ERROR_CODES.busy, 'RateLimitedError', 'busy'],
      [ERROR_CODES.internal, 'RemoteError', 'internal'],
    ]
    for (const [status, name, code] of cases) {
      const err = (() => {
        try {
          decodeResponse(Uint8Array.of(status, 0x68, 0x0a, 0x69), protocol, limits)
        } catch (e) {
          return e as Error & { code: string; detail: string }
        }
        return undefined
      })()
      expect(err?.name).toBe(name)
      expect(err?.code).toBe(code)
      expect(err?.detail).toBe('h i') // control characters from the peer are blanked
    }
    expect(() => decodeResponse(Uint8Array.of(ERROR_CODES.too_large), protocol, limits, 300)).toThrow(
      expect.objectContaining({ name: 'MessageTooLargeError', remote: true, size: 300 }),
    )
    expect(() => decodeResponse(new Uint8Array(0), protocol, limits)).toThrow(
      expect.objectContaining({ name: 'InvalidResponseError' }),
    )
    expect(() => decodeResponse(Uint8Array.of(250), protocol, limits)).toThrow(
      expect.objectContaining({ name: 'InvalidResponseError' }),
    )
  })

  test('length prefixes are unsigned LEB128', () => {
    expect([...encodeLengthPrefix(0)]).toEqual([0])
    expect([...encodeLengthPrefix(127)]).toEqual([127])
    expect([...encodeLengthPrefix(128)]).toEqual([0x80, 1])
    expect([...encodeLengthPrefix(300)]).toEqual([0xac, 0x02])
    expect([...encodeLengthPrefix(24 * 1024 * 1024)]).toEqual([0x80, 0x80, 0x80, 0x0c])
  })
})

describe('readFrame', () => {
  const signal = () => AbortSignal.timeout(2_000)

  test('reads a frame split into single-byte chunks, and ignores what follows', async () => {
    const [a, b] = await streamPair()
    const reading = readFrame(b, 300, signal())
    const bytes = [...encodeLengthPrefix(300), ...new Uint8Array(300).fill(7), 9, 9]
    for (const x of bytes) a.send(Uint8Array.of(x))
    await a.close()
    const frame = await reading
    expect(frame.length).toBe(300)
    expect(frame.every((x) => x === 7)).toBe(true)
  })

  test('refuses a length over the limit from its prefix alone', async () => {
    const [a, b] = await streamPair()
    const reading = readFrame(b, 100, signal())
    a.send(Uint8Array.of(0x80)) // not yet over the limit…
    a.send(Uint8Array.of(0x01)) // …now 128
    await expect(reading).rejects.toMatchObject({ name: 'FrameTooLargeError', length: 128, limit: 100 })
  })

  test('an early end, an endless prefix and an abort are named errors', async () => {
    const [a, b] = await streamPair()
    const reading = readFrame(b, 100, signal())
    a.send(Uint8Array.of(5, 1, 2))
    await a.close()
    await expect(reading).rejects.toMatchObject({ name: 'MalformedFrameError' })

    const [c, d] = await streamPair()
    const endless = readFrame(d, 100, signal())
    c.send(new Uint8Array(9).fill(0x80))
    await expect(endless).rejects.toMatchObject({ name: 'MalformedFrameError' })

    const [, f] = await streamPair()
    const controller = new AbortController()
    const aborted = readFrame(f, 100, controller.signal)
    controller.abort(new Error('stop'))
    await expect(aborted).rejects.toThrow('stop')
  })
})
