/**
 * Generates the committed SCP wire vectors (test/vectors/scp/*.json): canonical bytes of quorum sets
 * and their hashes, of statements and envelopes of every type with their signing input, and of the
 * default nomination hash helpers. test/unit/scp/codec.test.ts re-encodes and re-hashes them, so any
 * change to the encoding, the field order, the tags or the hash inputs fails a test.
 *
 *   node --import tsx test/misc/gen-scp-vectors.ts     # rewrite the files (only on purpose!)
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compareBytes, networkIdOf, sha256, toHex, utf8 } from '../../src/core/codec/index.js'
import { validatorId } from '../../src/core/crypto/strkey.js'
import {
  defaultComputeHashNode,
  defaultComputeValueHash,
  type Envelope,
  encodeEnvelope,
  encodeQuorumSet,
  encodeStatement,
  type QuorumSet,
  quorumSetHash,
  statementSignatureBase,
} from '../../src/core/scp/index.js'
import { type Json, toJson } from '../helpers/json.js'

const h = (s: string): Uint8Array => sha256(utf8(s))
/** A StrKey validator id ('V…') of a fixed 32-byte payload. */
const vid = (i: number): string => validatorId(h(`watt/scp-vectors/validator/${i}`))
const value = (i: number): Uint8Array => h(`watt/scp-vectors/value/${i}`)
export const VECTOR_NETWORK_PASSPHRASE = 'Watt Network SCP test vectors'

export interface QuorumSetVector {
  name: string
  value: Json
  hex: string
  hash: string
}

export interface EnvelopeVector {
  name: string
  envelope: Json
  statementHex: string
  envelopeHex: string
  /** signatureBase(networkIdOf(VECTOR_NETWORK_PASSPHRASE), 'scpStatement', statement bytes). */
  signatureBase: string
}

export interface HashHelperVector {
  name: string
  kind: 'node' | 'value'
  slotIndex: string
  previousValue: string
  isPriority?: boolean
  round: number
  nodeId?: string
  value?: string
  result: string
}

const qs = (threshold: number, validators: string[], innerSets: QuorumSet[] = []): QuorumSet => ({
  threshold,
  validators,
  innerSets,
})

export function quorumSetVectors(): QuorumSetVector[] {
  const tier1 = qs(
    5,
    [],
    Array.from({ length: 7 }, (_, o) => qs(2, [vid(o * 3), vid(o * 3 + 1), vid(o * 3 + 2)])),
  )
  const cases: [string, QuorumSet][] = [
    ['singleton v1', qs(1, ['v1'])],
    ['flat 3 of v0..v3', qs(3, ['v0', 'v1', 'v2', 'v3'])],
    ['nested 2 of {a, 2 of {b, c, d}}', qs(2, ['a'], [qs(2, ['b', 'c', 'd'])])],
    ['tier-1-like: 5 of 7 organisations of 2 of 3 (StrKey ids)', tier1],
    ['empty (insane, still encodable)', qs(0, [])],
  ]
  return cases.map(([name, q]) => ({
    name,
    value: toJson(q),
    hex: toHex(encodeQuorumSet(q)),
    hash: toHex(quorumSetHash(q)),
  }))
}

export function envelopeVectors(): EnvelopeVector[] {
  const qh = quorumSetHash(qs(2, ['v0', 'v1', 'v2']))
  const id = vid(0)
  const b = (counter: number, i: number) => ({ counter, value: value(i) })
  const cases: [string, Envelope][] = [
    [
      'NOMINATE',
      {
        statement: {
          nodeId: id,
          slotIndex: 7n,
          pledges: {
            type: 'nominate',
            quorumSetHash: qh,
            votes: [value(1), value(2)].sort(compareBytes),
            accepted: [value(1)],
          },
        },
        signature: new Uint8Array(0),
      },
    ],
    [
      'PREPARE minimal',
      {
        statement: {
          nodeId: id,
          slotIndex: 7n,
          pledges: { type: 'prepare', quorumSetHash: qh, ballot: b(1, 1), nC: 0, nH: 0 },
        },
        signature: new Uint8Array(0),
      },
    ],
    [
      "PREPARE with p, p', c and h",
      {
        statement: {
          nodeId: id,
          slotIndex: 7n,
          pledges: {
            type: 'prepare',
            quorumSetHash: qh,
            ballot: b(3, 2),
            prepared: b(3, 2),
            preparedPrime: b(2, 1),
            nC: 2,
            nH: 3,
          },
        },
        signature: h('signature').slice(0, 32),
      },
    ],
    [
      'CONFIRM',
      {
        statement: {
          nodeId: id,
          slotIndex: 2n ** 64n - 1n,
          pledges: { type: 'confirm', quorumSetHash: qh, ballot: b(5, 2), nPrepared: 4, nCommit: 2, nH: 4 },
        },
        signature: new Uint8Array(64).fill(0xab),
      },
    ],
    [
      'EXTERNALIZE',
      {
        statement: {
          nodeId: 'v1',
          slotIndex: 0n,
          pledges: { type: 'externalize', commit: b(2, 2), nH: 0xffffffff, commitQuorumSetHash: qh },
        },
        signature: new Uint8Array(64).fill(1),
      },
    ],
  ]
  const networkId = networkIdOf(VECTOR_NETWORK_PASSPHRASE)
  return cases.map(([name, e]) => ({
    name,
    envelope: toJson(e),
    statementHex: toHex(encodeStatement(e.statement)),
    envelopeHex: toHex(encodeEnvelope(e)),
    signatureBase: toHex(statementSignatureBase(networkId, e.statement)),
  }))
}

export function hashHelperVectors(): HashHelperVector[] {
  const out: HashHelperVector[] = []
  for (const [slot, prev, round] of [
    [1n, value(9), 1],
    [123456789n, new Uint8Array(0), 7],
  ] as const) {
    for (const isPriority of [false, true]) {
      for (const nodeId of ['v1', vid(3)]) {
        out.push({
          name: `node ${isPriority ? 'priority' : 'neighbourhood'} slot ${slot} round ${round} ${nodeId.slice(0, 4)}`,
          kind: 'node',
          slotIndex: String(slot),
          previousValue: toHex(prev),
          isPriority,
          round,
          nodeId,
          result: String(defaultComputeHashNode(slot, prev, isPriority, round, nodeId)),
        })
      }
    }
    out.push({
      name: `value slot ${slot} round ${round}`,
      kind: 'value',
      slotIndex: String(slot),
      previousValue: toHex(prev),
      round,
      value: toHex(value(4)),
      result: String(defaultComputeValueHash(slot, prev, round, value(4))),
    })
  }
  return out
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('../vectors/scp/', import.meta.url))
  for (const [file, make] of [
    ['quorum-sets.json', quorumSetVectors],
    ['envelopes.json', envelopeVectors],
    ['hash-helpers.json', hashHelperVectors],
  ] as const) {
    writeFileSync(`${dir}${file}`, `${JSON.stringify(make(), null, 2)}\n`)
  }
  console.log(`wrote ${dir}`)
}
