/**
 * The simulator's values: opaque to SCP, 16 bytes here so validation and combination stay trivial
 * and deterministic. Layout: 'W' 0x01 ‖ slot u64be ‖ proposer u16be ‖ flags u8 ‖ nonce u24be... see
 * `makeValue`. A value is valid for a slot iff it is well-formed and names that slot.
 */
import { compareBytes, sha256 } from '../../../src/core/codec/index.js'

export const VALUE_BYTES = 16
const MAGIC0 = 0x57 // 'W'
const MAGIC1 = 0x01

/** Flag bit: proposed by a Byzantine node (still a valid value: safety must not depend on it). */
export const FLAG_BYZANTINE = 1

export interface SimValue {
  slot: bigint
  proposer: number
  flags: number
  nonce: number
}

export function makeValue(v: SimValue): Uint8Array {
  const out = new Uint8Array(VALUE_BYTES)
  const dv = new DataView(out.buffer)
  out[0] = MAGIC0
  out[1] = MAGIC1
  dv.setBigUint64(2, v.slot)
  dv.setUint16(10, v.proposer)
  out[12] = v.flags
  out[13] = (v.nonce >>> 16) & 0xff
  out[14] = (v.nonce >>> 8) & 0xff
  out[15] = v.nonce & 0xff
  return out
}

export function parseValue(b: Uint8Array): SimValue | undefined {
  const slot = valueSlot(b)
  if (slot === undefined) return undefined
  return {
    slot,
    proposer: (b[10]! << 8) | b[11]!,
    flags: b[12]!,
    nonce: (b[13]! << 16) | (b[14]! << 8) | b[15]!,
  }
}

/** The slot a well-formed value names (the validity check runs for every statement received). */
export function valueSlot(b: Uint8Array): bigint | undefined {
  if (b.length !== VALUE_BYTES || b[0] !== MAGIC0 || b[1] !== MAGIC1) return undefined
  const hi = ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0
  const lo = ((b[6]! << 24) | (b[7]! << 16) | (b[8]! << 8) | b[9]!) >>> 0
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo)
}

/** The value of "slot 0", the genesis every first nomination builds on. */
export const GENESIS_VALUE = makeValue({ slot: 0n, proposer: 0, flags: 0, nonce: 0 })

/** Deterministic combination: the candidate with the highest SHA-256 (ties cannot happen: hashes of distinct values). */
export function combineValues(candidates: readonly Uint8Array[]): Uint8Array | undefined {
  let best: Uint8Array | undefined
  let bestHash: Uint8Array | undefined
  for (const c of candidates) {
    const h = sha256(c)
    if (bestHash === undefined || compareBytes(h, bestHash) > 0) {
      best = c
      bestHash = h
    }
  }
  return best
}
