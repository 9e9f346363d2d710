/**
 * Generates the committed Merkle test vectors (test/vectors/merkle/*.json): roots and encoded proofs
 * for fixed inputs. test/unit/merkle/vectors.test.ts recomputes them, so any change to the hashing
 * rules, the key-bit order, the odd-count rule or the proof encoding fails a test.
 *
 *   node --import tsx test/misc/gen-merkle-vectors.ts     # rewrite the files (only on purpose!)
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { concatBytes, sha256, toHex, utf8 } from '../../src/core/codec/index.js'
import {
  MerkleList,
  MerkleProofType,
  merkleRoot,
  SmtProofType,
  SparseMerkleTree,
} from '../../src/core/merkle/index.js'

const h = (s: string): Uint8Array => sha256(utf8(s))
const key = (i: number): Uint8Array => h(`watt/merkle-vectors/key/${i}`)
const value = (i: number): Uint8Array => h(`watt/merkle-vectors/value/${i}`)

export interface SmtVectorCase {
  name: string
  /** Entries applied in order; a null value deletes. */
  ops: [string, string | null][]
  root: string
  proofs: { key: string; value: string | null; proof: string }[]
}

export interface ListVectorCase {
  name: string
  leaves: string[]
  root: string
  proofs: { index: number; proof: string }[]
}

function smtCase(
  name: string,
  ops: [Uint8Array, Uint8Array | undefined][],
  probes: Uint8Array[],
): SmtVectorCase {
  const t = new SparseMerkleTree()
  for (const [k, v] of ops) t.set(k, v)
  return {
    name,
    ops: ops.map(([k, v]) => [toHex(k), v ? toHex(v) : null]),
    root: toHex(t.root()),
    proofs: probes.map((k) => {
      const v = t.get(k)
      return { key: toHex(k), value: v ? toHex(v) : null, proof: toHex(SmtProofType.encode(t.prove(k))) }
    }),
  }
}

export function smtVectors(): SmtVectorCase[] {
  const sixteen = Array.from({ length: 16 }, (_, i) => [key(i), value(i)] as [Uint8Array, Uint8Array])
  // Two keys equal but for the last bit: the deepest possible path (256 levels).
  const twin = key(100)
  const twinB = twin.slice()
  twinB[31]! ^= 1
  // Keys sharing their first 12 bits with key(0): internal nodes with one empty child.
  const near = (n: number): Uint8Array => {
    const k = key(200 + n)
    k[0] = key(0)[0]!
    k[1] = (key(0)[1]! & 0xf0) | (k[1]! & 0x0f)
    return k
  }
  return [
    smtCase('empty', [], [key(0)]),
    smtCase('one key', [[key(0), value(0)]], [key(0), key(1)]),
    smtCase('sixteen keys', sixteen, [key(0), key(7), key(15), key(16), key(17), key(18), key(19)]),
    smtCase(
      'keys sharing 12 leading bits',
      [[key(0), value(0)], ...[0, 1, 2, 3].map((n) => [near(n), value(200 + n)] as [Uint8Array, Uint8Array])],
      [key(0), near(2), near(9)],
    ),
    smtCase(
      'keys differing in the last bit',
      [
        [twin, value(100)],
        [twinB, value(101)],
        [key(1), value(1)],
      ],
      [twin, twinB, key(1), key(2)],
    ),
    smtCase(
      'updates and deletes',
      [
        ...sixteen,
        [key(3), value(300)],
        [key(4), undefined],
        [key(5), undefined],
        [key(99), undefined],
        [key(16), value(16)],
      ],
      [key(3), key(4), key(16)],
    ),
  ]
}

function listCase(name: string, leaves: Uint8Array[], indexes: number[]): ListVectorCase {
  const tree = new MerkleList(leaves)
  return {
    name,
    leaves: leaves.map(toHex),
    root: toHex(merkleRoot(leaves)),
    proofs: indexes.map((index) => ({ index, proof: toHex(MerkleProofType.encode(tree.proof(index))) })),
  }
}

export function listVectors(): ListVectorCase[] {
  // Fixed-width "payout chunk"-like leaves: 40 bytes each.
  const chunk = (i: number): Uint8Array =>
    concatBytes(h(`watt/merkle-vectors/chunk/${i}`), new Uint8Array(8).fill(i))
  const chunks = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => chunk(i))
  return [
    listCase('empty', [], []),
    listCase('one leaf', chunks(1), [0]),
    listCase('two leaves', chunks(2), [0, 1]),
    listCase('three leaves (last promoted)', chunks(3), [0, 1, 2]),
    listCase('five leaves', chunks(5), [0, 3, 4]),
    listCase('eight leaves', chunks(8), [0, 5, 7]),
    listCase('thirteen leaves', chunks(13), [0, 6, 11, 12]),
    listCase('seventy leaves', chunks(70), [0, 31, 63, 64, 68, 69]),
    listCase(
      'empty and varied-length leaves',
      [new Uint8Array(0), Uint8Array.of(0), utf8('watt'), chunk(9)],
      [0, 3],
    ),
  ]
}

export const VECTOR_FILES = {
  'smt.json': smtVectors,
  'list.json': listVectors,
} as const

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('../vectors/merkle/', import.meta.url))
  for (const [file, make] of Object.entries(VECTOR_FILES)) {
    writeFileSync(`${dir}${file}`, `${JSON.stringify(make(), null, 2)}\n`)
    console.log(`wrote test/vectors/merkle/${file}`)
  }
}
