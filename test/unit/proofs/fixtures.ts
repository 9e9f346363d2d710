/** Shared fixtures of the proof tests: small parameters, a deterministic sector, a sealed sector in memory. */

import {
  type Hasher,
  memoryStore,
  type ProofParams,
  type SealedSectorInfo,
  type SealRequest,
  type SectorStore,
  sealSector,
  testParams,
  writeSectorData,
} from '../../../src/core/proofs/index.js'
import { createHashWasmHasher } from '../../../src/platform/hash-wasm.js'

export const MINER = new Uint8Array(32).fill(0x11)
export const OTHER_MINER = new Uint8Array(32).fill(0x22)
export const TICKET = new Uint8Array(32).fill(0x33)

/** Deterministic pseudo-random bytes (xorshift32), so sectors and vectors are reproducible. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 255
  }
  return out
}

/** A fake ledger: hash at height = SHA-like deterministic bytes; heights above `final` are not final. */
export function fakeLedger(final: bigint) {
  return (height: bigint): Uint8Array | undefined => {
    if (height > final || height < 0n) return undefined
    const out = new Uint8Array(32)
    new DataView(out.buffer).setBigUint64(0, height)
    out.fill(0xa5, 8)
    return out
  }
}

let hasherPromise: Promise<Hasher> | undefined
export function hasher(): Promise<Hasher> {
  hasherPromise ??= createHashWasmHasher('blake3')
  return hasherPromise
}

export interface SealedFixture {
  params: ProofParams
  store: SectorStore
  sectorId: string
  data: Uint8Array
  info: SealedSectorInfo
  request: SealRequest
}

export async function sealedFixture(
  params: ProofParams = testParams(),
  options: { sectorId?: string; sectorNumber?: bigint; store?: SectorStore; seed?: number } = {},
): Promise<SealedFixture> {
  const h = await hasher()
  const store = options.store ?? memoryStore()
  const sectorId = options.sectorId ?? 's-1'
  const data = pseudoRandomBytes(params.sectorSize, options.seed ?? 7)
  await writeSectorData(store, sectorId, data)
  const request: SealRequest = {
    params,
    sectorId,
    miner: MINER,
    sectorNumber: options.sectorNumber ?? 1n,
    ticket: fakeLedger(1000n)(10n)!,
    ticketHeight: 10n,
  }
  const info = await sealSector(h, store, request)
  return { params, store, sectorId, data, info, request }
}
