/**
 * The committed vectors of every ledger and light-client wire type: each value encodes to exactly its
 * hex and each hex decodes to exactly its value (so an accidental change of any encoding fails here),
 * and each invalid vector fails with its named error.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../src/core/codec/bytes.js'
import { fromJson, type Json } from '../../helpers/json.js'
import { vectorCases } from '../../helpers/vector-cases.js'

interface VectorDoc {
  type: string
  maxBytes: number
  cases: { name: string; hex: string; value: Json }[]
  invalid: { name: string; hex: string; error: string }[]
}

describe('committed codec vectors', () => {
  for (const [file, { type }] of Object.entries(vectorCases())) {
    const doc = JSON.parse(
      readFileSync(new URL(`../../vectors/${file}.json`, import.meta.url), 'utf8'),
    ) as VectorDoc
    it(`${file}: ${doc.cases.length} value(s) round-trip through their committed hex`, () => {
      expect(doc.type).toBe(type.name)
      expect(doc.maxBytes).toBe(type.maxBytes)
      expect(doc.cases.length).toBeGreaterThan(0)
      for (const c of doc.cases) {
        const value = fromJson(c.value)
        expect(toHex(type.encode(value as never)), c.name).toBe(c.hex)
        expect(type.decode(fromHex(c.hex)), c.name).toEqual(value)
      }
      for (const c of doc.invalid) {
        const r = type.tryDecode(fromHex(c.hex))
        expect(r.ok, c.name).toBe(false)
        if (!r.ok) expect(r.error.name, c.name).toBe(c.error)
      }
    })
  }
})
