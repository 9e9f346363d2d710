/**
 * Codec fuzzing (`npm run test:fuzz`, not part of `npm test`): random bytes and mutations of valid
 * encodings (bit flips, byte insertions and deletions, truncations, splices) fed to every wire type.
 * Each input must either decode to a value that re-encodes to exactly the input, or be refused with
 * one of the named decode errors — never any other exception, never a silently different value.
 * WATT_FUZZ_RUNS sets the mutations per type (default 20,000).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromHex, isDecodeError, type MessageType, toHex } from '../../src/core/codec/index.js'
import { EnvelopeMessage, QuorumSetMessage } from '../../src/core/scp/index.js'
import { vectorCases } from '../helpers/vector-cases.js'

const RUNS = Number(process.env.WATT_FUZZ_RUNS ?? 20_000)

function check(type: MessageType<unknown>, bytes: Uint8Array): 'ok' | string {
  try {
    const v = type.decode(bytes)
    expect(toHex(type.encode(v))).toBe(toHex(bytes))
    return 'ok'
  } catch (err) {
    if (isDecodeError(err)) return (err as Error).name
    throw err
  }
}

const mutation = (seed: Uint8Array) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(seed.length - 1),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(seed.length),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(seed.length - 1) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(seed.length) }),
    fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat(seed.length),
      bytes: fc.uint8Array({ maxLength: 40 }),
    }),
  )

type Mutation = ReturnType<typeof mutation> extends fc.Arbitrary<infer M> ? M : never

function apply(seed: Uint8Array, m: Mutation): Uint8Array {
  const b = [...seed]
  switch (m.kind) {
    case 'flip':
      b[m.at] = b[m.at]! ^ (1 << m.bit)
      break
    case 'insert':
      b.splice(m.at, 0, m.byte)
      break
    case 'delete':
      b.splice(m.at, 1)
      break
    case 'truncate':
      b.length = m.at
      break
    case 'splice':
      b.splice(m.at, m.bytes.length, ...m.bytes)
      break
  }
  return Uint8Array.from(b)
}

const targets: { name: string; type: MessageType<unknown>; seeds: Uint8Array[] }[] = [
  ...Object.entries(vectorCases()).map(([name, f]) => ({
    name,
    type: f.type,
    seeds: f.cases.map((c) => f.type.encode(c.value as never)),
  })),
  {
    name: 'scp/envelope',
    type: EnvelopeMessage as MessageType<unknown>,
    seeds: [
      EnvelopeMessage.encode({
        statement: {
          nodeId: 'V1',
          slotIndex: 5n,
          pledges: {
            type: 'nominate',
            quorumSetHash: new Uint8Array(32),
            votes: [Uint8Array.of(1)],
            accepted: [],
          },
        },
        signature: new Uint8Array(64),
      }),
    ],
  },
  {
    name: 'scp/quorum-set',
    type: QuorumSetMessage as MessageType<unknown>,
    seeds: [
      QuorumSetMessage.encode({
        threshold: 2,
        validators: ['a', 'b', 'c'],
        innerSets: [{ threshold: 1, validators: ['d'], innerSets: [] }],
      }),
    ],
  },
]

describe('codec fuzzing', () => {
  for (const t of targets) {
    it(`${t.name}: mutated valid encodings decode exactly or fail with a named error`, () => {
      const outcomes = new Map<string, number>()
      for (const seed of t.seeds) {
        fc.assert(
          fc.property(mutation(seed), (m) => {
            const r = check(t.type, apply(seed, m))
            outcomes.set(r, (outcomes.get(r) ?? 0) + 1)
          }),
          { numRuns: Math.ceil(RUNS / t.seeds.length) },
        )
      }
      expect([...outcomes.keys()].some((k) => k !== 'ok')).toBe(true)
    })

    it(`${t.name}: random bytes never crash the decoder`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
          check(t.type, b)
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      )
    })
  }

  it('rejects a decoded value whose re-encoding differs (canonical form) for a hand-made case', () => {
    // 1 encoded as a two-byte integer inside a transaction result's fee field.
    const good = vectorCases()['ledger/result']!.type.encode(
      vectorCases()['ledger/result']!.cases[0]!.value as never,
    )
    const hex = toHex(good).replace('1864', '190064')
    expect(check(vectorCases()['ledger/result']!.type, fromHex(hex))).not.toBe('ok')
  })
})
