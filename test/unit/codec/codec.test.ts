import * as dagCbor from '@ipld/dag-cbor'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bytes,
  compareBytes,
  encodeData,
  fromBase64,
  fromHex,
  list,
  messageType,
  struct,
  toBase64,
  toHex,
  u8,
  u64,
  utf8,
  version,
} from '../../../src/core/codec/index.js'
import { Sample } from '../../helpers/codec-sample.js'

const sample = {
  v: 1 as const,
  small: 7,
  medium: 4_000_000_000,
  amount: 18_446_744_073_709_551_615n,
  delta: -9_223_372_036_854_775_808n,
  flag: true,
  id: new Uint8Array(32).fill(0xab),
  blob: Uint8Array.of(1, 2, 3),
  label: 'héllo ⚡',
  kind: 'beta' as const,
  items: [1, 2, 3],
  action: { type: 'pay' as const, to: new Uint8Array(32).fill(1), amount: 10_000_000n },
}

function decodeName(bytes: Uint8Array): string {
  const r = Sample.tryDecode(bytes)
  return r.ok ? 'ok' : r.error.name
}

describe('canonical codec', () => {
  it('round-trips every kind of field, bigints exactly at their limits', () => {
    const bytes = Sample.encode(sample)
    expect(Sample.decode(bytes)).toEqual(sample)
    expect(Sample.decode(bytes).amount).toBe(2n ** 64n - 1n)
  })

  it('omits absent optional fields and restores them as absent', () => {
    const decoded = Sample.decode(Sample.encode(sample))
    expect('note' in decoded).toBe(false)
    const withNote = { ...sample, note: 'hi' }
    expect(Sample.decode(Sample.encode(withNote)).note).toBe('hi')
  })

  it('writes valid DAG-CBOR that @ipld/dag-cbor reads and re-encodes to the same bytes', () => {
    const bytes = Sample.encode(sample)
    expect(toHex(dagCbor.encode(dagCbor.decode(bytes)))).toBe(toHex(bytes))
  })

  it('round-trips random values (property)', () => {
    const arb = fc.record({
      small: fc.integer({ min: 0, max: 255 }),
      medium: fc.integer({ min: 0, max: 0xffffffff }),
      amount: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      delta: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      flag: fc.boolean(),
      id: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      blob: fc.uint8Array({ maxLength: 64 }),
      label: fc.string({ maxLength: 8 }),
      kind: fc.constantFrom('alpha' as const, 'beta' as const, 'gamma' as const),
      items: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }),
      memo: fc.string({ maxLength: 4 }),
    })
    fc.assert(
      fc.property(arb, ({ memo, ...r }) => {
        const value = { v: 1 as const, ...r, action: { type: 'memo' as const, text: memo } }
        const bytes = Sample.encode(value)
        const back = Sample.decode(bytes)
        expect(back).toEqual(value)
        expect(toHex(Sample.encode(back))).toBe(toHex(bytes))
      }),
      { numRuns: 300 },
    )
  })

  it('rejects input over the size limit before parsing', () => {
    const Tiny = messageType('Tiny', struct('Tiny', { b: bytes(0, 100) }), 16)
    const big = encodeData([new Uint8Array(20)])
    const r = Tiny.tryDecode(big)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.name).toBe('MessageTooLargeError')
      expect(r.error.message).toContain('exceeds the limit of 16 bytes')
    }
  })

  it('rejects malformed CBOR: truncation, garbage, indefinite lengths, undefined, tags, deep nesting', () => {
    const good = Sample.encode(sample)
    expect(decodeName(good.subarray(0, good.length - 1))).toBe('MalformedEncodingError')
    expect(decodeName(Uint8Array.of(0xff))).toBe('MalformedEncodingError')
    expect(decodeName(Uint8Array.of(0x9f, 0x01, 0xff))).toBe('MalformedEncodingError') // indefinite array
    expect(decodeName(Uint8Array.of(0xf7))).toBe('MalformedEncodingError') // undefined
    expect(decodeName(fromHex('d82a4100'))).toBe('MalformedEncodingError') // tag 42
    const Deep = messageType('Deep', list(u8, 1), 1 << 20)
    const nested = new Uint8Array(200_000).fill(0x81)
    expect(Deep.tryDecode(nested).ok).toBe(false)
  })

  it('rejects trailing bytes after the value', () => {
    const good = Sample.encode(sample)
    const withTail = new Uint8Array([...good, 0x00])
    expect(['MalformedEncodingError', 'NonCanonicalEncodingError']).toContain(decodeName(withTail))
  })

  it('rejects non-canonical encodings of a valid value', () => {
    const U = messageType('U', struct('U', { n: u64 }), 64)
    expect(U.decode(fromHex('8101'))).toEqual({ n: 1n })
    // 1 as a one-byte-argument integer (0x18 0x01) instead of the minimal 0x01
    expect(U.tryDecode(fromHex('811801')).ok).toBe(false)
    // 1.0 as a float16 instead of an integer
    const r = U.tryDecode(fromHex('81f93c00'))
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(['NonCanonicalEncodingError', 'SchemaMismatchError', 'MalformedEncodingError']).toContain(
        r.error.name,
      )
    // a map instead of an array
    expect(U.tryDecode(fromHex('a1616e01')).ok).toBe(false)
  })

  it('names missing and extra fields, wrong types and out-of-range values with their path', () => {
    const P = messageType('P', struct('P', { v: version(1), a: u8, b: bytes(2) }), 64)
    const fail = (data: Parameters<typeof encodeData>[0]) => {
      const r = P.tryDecode(encodeData(data))
      if (r.ok) throw new Error('expected a failure')
      return r.error
    }
    expect(fail([1, 1]).name).toBe('SchemaMismatchError') // missing field
    expect(fail([1, 1, Uint8Array.of(1, 2), 4]).name).toBe('SchemaMismatchError') // extra field
    const wrongType = fail([1, 'x', Uint8Array.of(1, 2)])
    expect(wrongType.name).toBe('SchemaMismatchError')
    expect(wrongType.path).toBe('P.a')
    const range = fail([1, 256, Uint8Array.of(1, 2)])
    expect(range.name).toBe('ValueOutOfRangeError')
    expect(range.path).toBe('P.a')
    expect(fail([1, 1, Uint8Array.of(1)]).name).toBe('ValueOutOfRangeError')
    expect(fail([2, 1, Uint8Array.of(1, 2)]).name).toBe('UnsupportedVersionError')
    expect(fail([1, -1, Uint8Array.of(1, 2)]).name).toBe('ValueOutOfRangeError')
  })

  it('rejects integers beyond 64 bits and negative amounts', () => {
    const U = messageType('U', struct('U', { n: u64 }), 64)
    // 2^64 as a bignum would need a tag; the largest plain CBOR uint is 2^64-1: a negative must fail.
    expect(U.tryDecode(encodeData([-1n])).ok).toBe(false)
    expect(U.decode(encodeData([2n ** 64n - 1n])).n).toBe(2n ** 64n - 1n)
  })

  it('rejects unknown union tags and enumeration values', () => {
    const data = Sample.codec.toData(sample, 'Sample') as unknown[]
    const badTag = [...data]
    badTag[12] = [9, [Uint8Array.of()]]
    expect(decodeName(encodeData(badTag as never))).toBe('SchemaMismatchError')
    const badEnum = [...data]
    badEnum[9] = 7
    expect(decodeName(encodeData(badEnum as never))).toBe('ValueOutOfRangeError')
  })

  it('refuses to encode values that do not fit their schema', () => {
    expect(() => Sample.encode({ ...sample, small: 300 })).toThrow(
      expect.objectContaining({ name: 'EncodeError' }),
    )
    expect(() => Sample.encode({ ...sample, amount: -1n })).toThrow(/Sample\.amount/)
  })
})

describe('byte helpers', () => {
  it('hex and base64 are strict and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (b) => {
        expect(fromHex(toHex(b))).toEqual(b)
        expect(fromBase64(toBase64(b))).toEqual(b)
        expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'))
      }),
    )
    expect(() => fromHex('abc')).toThrow(TypeError)
    expect(() => fromHex('zz')).toThrow(TypeError)
    expect(() => fromBase64('QQ=')).toThrow(TypeError)
    expect(() => fromBase64('QR==')).toThrow(/padding bits/)
    expect(() => fromBase64('Q Q=')).toThrow(TypeError)
  })

  it('utf8 matches the platform encoder and rejects lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8(s)).toEqual(new TextEncoder().encode(s))
      }),
    )
    expect(() => utf8('\ud800')).toThrow(RangeError)
  })

  it('compares bytes as unsigned, prefix first', () => {
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0)
    expect(compareBytes(Uint8Array.of(0x80), Uint8Array.of(0x7f))).toBeGreaterThan(0)
    expect(compareBytes(Uint8Array.of(2, 3), Uint8Array.of(2, 3))).toBe(0)
  })
})
