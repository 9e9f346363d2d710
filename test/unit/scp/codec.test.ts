/**
 * The SCP wire codec: committed vectors (test/vectors/scp), round-trip properties for every message
 * type, the size limits, and bad input refused with named errors.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareBytes,
  encodeData,
  fromHex,
  isDecodeError,
  networkIdOf,
  readU64be,
  sha256,
  toHex,
} from '../../../src/core/codec/index.js'
import { encodeHashInput } from '../../../src/core/scp/codec.js'
import {
  defaultComputeHashNode,
  defaultComputeValueHash,
  type Envelope,
  EnvelopeMessage,
  encodeEnvelope,
  encodeQuorumSet,
  encodeStatement,
  MAX_ENVELOPE_BYTES,
  MAX_NODE_ID_BYTES,
  MAX_NOMINATION_VALUES,
  MAX_QUORUM_SET_BYTES,
  MAX_STATEMENT_BYTES,
  MAX_VALUE_BYTES,
  MAXIMUM_QUORUM_NESTING_LEVEL,
  type Pledges,
  type QuorumSet,
  QuorumSetMessage,
  quorumSetHash,
  type Statement,
  StatementMessage,
  statementSignatureBase,
  statementSigningBody,
} from '../../../src/core/scp/index.js'
import { fromJson, type Json } from '../../helpers/json.js'
import type { EnvelopeVector, HashHelperVector, QuorumSetVector } from '../../misc/gen-scp-vectors.js'

const load = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../vectors/scp/${file}`, import.meta.url), 'utf8')) as T

describe('committed vectors', () => {
  it('quorum sets: encoding and quorumSetHash', () => {
    const vectors = load<QuorumSetVector[]>('quorum-sets.json')
    expect(vectors.length).toBe(5)
    for (const v of vectors) {
      const q = fromJson(v.value) as QuorumSet
      expect(toHex(encodeQuorumSet(q)), v.name).toBe(v.hex)
      expect(toHex(quorumSetHash(q)), v.name).toBe(v.hash)
      expect(toHex(sha256(fromHex(v.hex)))).toBe(v.hash)
      expect(QuorumSetMessage.decode(fromHex(v.hex))).toEqual(q)
    }
  })

  it('statements and envelopes of every type: bytes, decoding and signing input', () => {
    const vectors = load<EnvelopeVector[]>('envelopes.json')
    expect(vectors.map((v) => v.name)).toEqual([
      'NOMINATE',
      'PREPARE minimal',
      "PREPARE with p, p', c and h",
      'CONFIRM',
      'EXTERNALIZE',
    ])
    const networkId = networkIdOf('Watt Network SCP test vectors')
    for (const v of vectors) {
      const e = fromJson(v.envelope as Json) as Envelope
      expect(toHex(encodeStatement(e.statement)), v.name).toBe(v.statementHex)
      expect(toHex(statementSigningBody(e.statement)), v.name).toBe(v.statementHex)
      expect(toHex(encodeEnvelope(e)), v.name).toBe(v.envelopeHex)
      expect(toHex(statementSignatureBase(networkId, e.statement)), v.name).toBe(v.signatureBase)
      expect(EnvelopeMessage.decode(fromHex(v.envelopeHex))).toEqual(e)
      expect(StatementMessage.decode(fromHex(v.statementHex))).toEqual(e.statement)
    }
  })

  it('default nomination hash helpers', () => {
    const vectors = load<HashHelperVector[]>('hash-helpers.json')
    expect(vectors.length).toBe(10)
    for (const v of vectors) {
      const got =
        v.kind === 'node'
          ? defaultComputeHashNode(
              BigInt(v.slotIndex),
              fromHex(v.previousValue),
              v.isPriority!,
              v.round,
              v.nodeId!,
            )
          : defaultComputeValueHash(BigInt(v.slotIndex), fromHex(v.previousValue), v.round, fromHex(v.value!))
      expect(String(got), v.name).toBe(v.result)
    }
  })
})

// ---- arbitraries ----

const nodeId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.constantFrom('v0', 'v1', 'V'.repeat(56)),
  fc.string({ unit: 'grapheme', maxLength: 16 }).filter((s) => new TextEncoder().encode(s).length <= 64),
)
const value = fc.uint8Array({ maxLength: 40 })
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 })
const u32 = fc.integer({ min: 0, max: 0xffffffff })
const ballot = fc.record({ counter: u32, value })
const quorumSet: fc.Arbitrary<QuorumSet> = fc
  .letrec<{ q: QuorumSet }>((tie) => ({
    q: fc.record({
      threshold: u32,
      validators: fc.array(nodeId, { maxLength: 5 }),
      innerSets: fc.oneof(
        { depthSize: 'small' },
        fc.constant<QuorumSet[]>([]),
        fc.array(tie('q'), { maxLength: 3 }),
      ),
    }),
  }))
  .q.filter((q) => depth(q) <= MAXIMUM_QUORUM_NESTING_LEVEL)
const depth = (q: QuorumSet): number =>
  q.innerSets.length === 0 ? 0 : 1 + Math.max(...q.innerSets.map(depth))

const pledges: fc.Arbitrary<Pledges> = fc.oneof(
  fc.record({
    type: fc.constant('nominate' as const),
    quorumSetHash: hash,
    votes: fc.array(value, { maxLength: 4 }),
    accepted: fc.array(value, { maxLength: 4 }),
  }),
  fc.record(
    {
      type: fc.constant('prepare' as const),
      quorumSetHash: hash,
      ballot,
      prepared: ballot,
      preparedPrime: ballot,
      nC: u32,
      nH: u32,
    },
    { requiredKeys: ['type', 'quorumSetHash', 'ballot', 'nC', 'nH'] },
  ),
  fc.record({
    type: fc.constant('confirm' as const),
    quorumSetHash: hash,
    ballot,
    nPrepared: u32,
    nCommit: u32,
    nH: u32,
  }),
  fc.record({
    type: fc.constant('externalize' as const),
    commitQuorumSetHash: hash,
    commit: ballot,
    nH: u32,
  }),
)
const statement: fc.Arbitrary<Statement> = fc.record({
  nodeId,
  slotIndex: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  pledges,
})
const envelope: fc.Arbitrary<Envelope> = fc.record({ statement, signature: fc.uint8Array({ maxLength: 64 }) })

describe('round trips', () => {
  it('QuorumSet: decode(encode(q)) = q, and the bytes are canonical', () => {
    fc.assert(
      fc.property(quorumSet, (q) => {
        const bytes = encodeQuorumSet(q)
        expect(QuorumSetMessage.decode(bytes)).toEqual(q)
        expect(encodeQuorumSet(QuorumSetMessage.decode(bytes))).toEqual(bytes)
      }),
      { numRuns: 300 },
    )
  })
  it('Statement and Envelope: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(envelope, (e) => {
        expect(EnvelopeMessage.decode(encodeEnvelope(e))).toEqual(e)
        expect(StatementMessage.decode(encodeStatement(e.statement))).toEqual(e.statement)
      }),
      { numRuns: 500 },
    )
  })
  it('different statements have different signing inputs', () => {
    const networkId = networkIdOf('test')
    fc.assert(
      fc.property(statement, statement, (a, b) => {
        fc.pre(compareBytes(encodeStatement(a), encodeStatement(b)) !== 0)
        expect(toHex(statementSignatureBase(networkId, a))).not.toBe(
          toHex(statementSignatureBase(networkId, b)),
        )
      }),
      { numRuns: 200 },
    )
  })
})

describe('limits', () => {
  const id = 'x'.repeat(MAX_NODE_ID_BYTES)
  const big = (i: number) => new Uint8Array(MAX_VALUE_BYTES).fill(255).fill(i, 0, 1)
  const fullNomination: Envelope = {
    statement: {
      nodeId: id,
      slotIndex: 2n ** 64n - 1n,
      pledges: {
        type: 'nominate',
        quorumSetHash: new Uint8Array(32),
        votes: Array.from({ length: MAX_NOMINATION_VALUES }, (_, i) => big(i)),
        accepted: Array.from({ length: MAX_NOMINATION_VALUES }, (_, i) => big(i)),
      },
    },
    signature: new Uint8Array(64),
  }

  it('the largest statement and envelope fit their limits, exactly as documented', () => {
    const st = encodeStatement(fullNomination.statement)
    const env = encodeEnvelope(fullNomination)
    expect(st.length).toBeLessThanOrEqual(MAX_STATEMENT_BYTES)
    expect(env.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES)
    expect([MAX_STATEMENT_BYTES, MAX_ENVELOPE_BYTES]).toEqual([131_962, 132_030])
    expect(EnvelopeMessage.decode(env)).toEqual(fullNomination)
  })

  it('the largest sane quorum set fits, and a longer message is refused before parsing', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => String(i).padStart(MAX_NODE_ID_BYTES, 'v'))
    const chain = (v: string): QuorumSet => {
      let q: QuorumSet = { threshold: 1, validators: [v], innerSets: [] }
      for (let d = 1; d < MAXIMUM_QUORUM_NESTING_LEVEL; d++)
        q = { threshold: 1, validators: [], innerSets: [q] }
      return q
    }
    const worst: QuorumSet = { threshold: 1000, validators: [], innerSets: ids.map(chain) }
    const bytes = encodeQuorumSet(worst)
    expect(bytes.length).toBeLessThanOrEqual(MAX_QUORUM_SET_BYTES)
    expect(QuorumSetMessage.decode(bytes)).toEqual(worst)
    const tooLong = new Uint8Array(MAX_QUORUM_SET_BYTES + 1)
    expect(QuorumSetMessage.tryDecode(tooLong)).toMatchObject({
      ok: false,
      error: { name: 'MessageTooLargeError' },
    })
  })

  it('refuses to encode a value, a node id or a list beyond the limits', () => {
    const st = (pledges: Pledges, nodeId = 'v1'): Statement => ({ nodeId, slotIndex: 1n, pledges })
    const prep = (v: Uint8Array): Pledges => ({
      type: 'prepare',
      quorumSetHash: new Uint8Array(32),
      ballot: { counter: 1, value: v },
      nC: 0,
      nH: 0,
    })
    expect(() => encodeStatement(st(prep(new Uint8Array(MAX_VALUE_BYTES + 1))))).toThrow(
      /EncodeError|expected/,
    )
    expect(() => encodeStatement(st(prep(new Uint8Array(1)), 'x'.repeat(MAX_NODE_ID_BYTES + 1)))).toThrow()
    const votes = Array.from({ length: MAX_NOMINATION_VALUES + 1 }, (_, i) => Uint8Array.of(i))
    expect(() =>
      encodeStatement(st({ type: 'nominate', quorumSetHash: new Uint8Array(32), votes, accepted: [] })),
    ).toThrow()
  })
})

describe('bad input', () => {
  const good: Envelope = {
    statement: {
      nodeId: 'v1',
      slotIndex: 3n,
      pledges: {
        type: 'confirm',
        quorumSetHash: new Uint8Array(32).fill(7),
        ballot: { counter: 2, value: Uint8Array.of(1, 2) },
        nPrepared: 2,
        nCommit: 1,
        nH: 2,
      },
    },
    signature: new Uint8Array(64),
  }
  const goodPledges = [1, [[2, Uint8Array.of(1, 2)], 2, 1, 2, new Uint8Array(32).fill(7)]]
  const goodStatement = [1, 'v1', 3, goodPledges]
  const goodData = [1, goodStatement, new Uint8Array(64)]
  const errorName = (bytes: Uint8Array): string => {
    const r = EnvelopeMessage.tryDecode(bytes)
    return r.ok ? 'ok' : r.error.name
  }

  it('the hand-built data model of a CONFIRM envelope is its encoding', () => {
    expect(toHex(encodeData(goodData))).toBe(toHex(encodeEnvelope(good)))
  })
  it('names each failure', () => {
    const bytes = encodeEnvelope(good)
    expect(errorName(bytes.slice(0, bytes.length - 1))).toBe('MalformedEncodingError')
    expect(errorName(new Uint8Array([...bytes, 0]))).toBe('MalformedEncodingError')
    expect(errorName(encodeData([2, goodStatement, new Uint8Array(64)]))).toBe('UnsupportedVersionError')
    expect(errorName(encodeData([1, [2, 'v1', 3, [1, []]], new Uint8Array(0)]))).toBe(
      'UnsupportedVersionError',
    )
    expect(errorName(encodeData([1, [1, 'v1', 3, [9, []]], new Uint8Array(0)]))).toBe('SchemaMismatchError')
    expect(
      errorName(
        encodeData([
          1,
          [1, 'v1', 3, [1, [[2 ** 32, Uint8Array.of(1)], 2, 1, 2, new Uint8Array(32)]]],
          new Uint8Array(0),
        ]),
      ),
    ).toBe('ValueOutOfRangeError')
    expect(
      errorName(
        encodeData([
          1,
          [1, 'v1', 3, [1, [[2, Uint8Array.of(1)], 2, 1, 2, new Uint8Array(31)]]],
          new Uint8Array(0),
        ]),
      ),
    ).toBe('ValueOutOfRangeError')
    expect(errorName(encodeData([1, [1, 'v1', -3, goodPledges], new Uint8Array(0)]))).toBe(
      'ValueOutOfRangeError',
    )
    expect(errorName(encodeData([1, goodStatement, new Uint8Array(65)]))).toBe('ValueOutOfRangeError')
    expect(errorName(encodeData([1, goodStatement, new Uint8Array(64), 0]))).toBe('SchemaMismatchError')
  })
  it('refuses non-minimal integers and floats standing in for a counter', () => {
    const hex = toHex(encodeEnvelope(good))
    // the ballot [2, h'0102'] is 82 02 42 01 02: write the counter as 18 02, then as float16 2.0
    const nonMinimal = hex.replace('8202420102', '821802420102')
    const float = hex.replace('8202420102', '82f94000420102')
    expect(nonMinimal).not.toBe(hex)
    expect(errorName(fromHex(nonMinimal))).toBe('MalformedEncodingError')
    expect(['MalformedEncodingError', 'SchemaMismatchError', 'NonCanonicalEncodingError']).toContain(
      errorName(fromHex(float)),
    )
  })
  it('refuses quorum sets nested deeper than the sanity limit at decode time', () => {
    let q: QuorumSet = { threshold: 1, validators: ['v'], innerSets: [] }
    for (let d = 0; d < MAXIMUM_QUORUM_NESTING_LEVEL; d++)
      q = { threshold: 1, validators: [], innerSets: [q] }
    expect(QuorumSetMessage.decode(encodeQuorumSet(q))).toEqual(q)
    const deeper: QuorumSet = { threshold: 1, validators: [], innerSets: [q] }
    const r = QuorumSetMessage.tryDecode(encodeQuorumSet(deeper))
    expect(r).toMatchObject({ ok: false, error: { name: 'ValueOutOfRangeError' } })
  })
  it('never throws anything but a named decode error on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          envelope.map(encodeEnvelope).chain((b) => mutate(b)),
        ),
        (b) => {
          for (const t of [EnvelopeMessage, StatementMessage, QuorumSetMessage] as const) {
            try {
              t.decode(b)
            } catch (err) {
              expect(isDecodeError(err)).toBe(true)
            }
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})

/** Flip, drop or insert one byte. */
function mutate(b: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(Math.max(0, b.length - 1)), fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2))
    .map(([i, v, op]) => {
      const out = [...b]
      if (op === 0) out[i] = v
      else if (op === 1) out.splice(i, 1)
      else out.splice(i, 0, v)
      return Uint8Array.from(out)
    })
}

it('the hand-written hash input encoding equals the codec encoding of the same tuple', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.oneof(nodeId, fc.uint8Array({ maxLength: 70000 })),
      (slot, prev, round, last) => {
        expect(toHex(encodeHashInput(slot, prev, 2, round, last))).toBe(
          toHex(encodeData([slot, prev, 2, round, last])),
        )
      },
    ),
    { numRuns: 300 },
  )
})

it('hash helpers read the first 8 bytes big-endian', () => {
  const digest = sha256(encodeData([5n, Uint8Array.of(1), 2, 1, 'n']))
  expect(defaultComputeHashNode(5n, Uint8Array.of(1), true, 1, 'n')).toBe(readU64be(digest))
})
