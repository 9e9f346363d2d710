import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/codec/index.js'
import {
  MerkleProofType,
  SmtProofType,
  verifyMerkleProof,
  verifySmtProof,
} from '../../../src/core/merkle/index.js'
import {
  type ListVectorCase,
  listVectors,
  type SmtVectorCase,
  smtVectors,
} from '../../misc/gen-merkle-vectors.js'
import { referenceListRoot, referenceSmtRoot } from './reference.js'

const load = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../vectors/merkle/${file}`, import.meta.url), 'utf8')) as T

describe('committed Merkle vectors', () => {
  const smt = load<SmtVectorCase[]>('smt.json')
  const lists = load<ListVectorCase[]>('list.json')

  it('the code reproduces every committed sparse-Merkle root and proof byte for byte', () => {
    expect(smtVectors()).toEqual(smt)
  })

  it('the code reproduces every committed list root and proof byte for byte', () => {
    expect(listVectors()).toEqual(lists)
  })

  it('the committed roots agree with the naive reference implementations', () => {
    for (const c of smt) {
      const model = new Map<string, [Uint8Array, Uint8Array]>()
      for (const [k, v] of c.ops) {
        if (v === null) model.delete(k)
        else model.set(k, [fromHex(k), fromHex(v)])
      }
      expect(toHex(referenceSmtRoot(model)), c.name).toBe(c.root)
    }
    for (const c of lists) expect(toHex(referenceListRoot(c.leaves.map(fromHex))), c.name).toBe(c.root)
  })

  it('every committed sparse-Merkle proof decodes and verifies against its committed root', () => {
    let n = 0
    for (const c of smt) {
      for (const p of c.proofs) {
        const proof = SmtProofType.decode(fromHex(p.proof))
        const value = p.value === null ? undefined : fromHex(p.value)
        expect(verifySmtProof(fromHex(c.root), fromHex(p.key), value, proof), `${c.name} ${p.key}`).toEqual({
          ok: true,
        })
        n++
      }
    }
    expect(n).toBeGreaterThan(15)
  })

  it('every committed list proof decodes and verifies against its committed root', () => {
    for (const c of lists) {
      for (const p of c.proofs) {
        const proof = MerkleProofType.decode(fromHex(p.proof))
        const leaf = fromHex(c.leaves[p.index]!)
        expect(verifyMerkleProof(fromHex(c.root), p.index, c.leaves.length, leaf, proof), c.name).toEqual({
          ok: true,
        })
      }
    }
  })
})
