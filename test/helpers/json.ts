/** JSON form of codec values for committed vector files: bigint → {"$bigint":"…"}, bytes → {"$hex":"…"}. */
import { fromHex, toHex } from '../../src/core/codec/bytes.js'

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export function toJson(v: unknown): Json {
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (v instanceof Uint8Array) return { $hex: toHex(v) }
  if (Array.isArray(v)) return v.map(toJson)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Json> = {}
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x)
    return out
  }
  return v as Json
}

export function fromJson(j: Json): unknown {
  if (Array.isArray(j)) return j.map(fromJson)
  if (j !== null && typeof j === 'object') {
    if (typeof j.$bigint === 'string') return BigInt(j.$bigint)
    if (typeof j.$hex === 'string') return fromHex(j.$hex)
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(j)) out[k] = fromJson(x)
    return out
  }
  return j
}
