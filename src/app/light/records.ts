/**
 * What the light client stores (VerifiedStore records) and the conversions between verified values and
 * records. Headers are stored as their canonical bytes and decoded again on load; entries as their bytes.
 */
import { toHex } from '../../core/codec/bytes.js'
import { sha256 } from '../../core/codec/hash.js'
import {
  type DayEntry,
  type Entry,
  type EntryKey,
  EntryType,
  LedgerHeaderType,
  type Params,
  type PayoutRecord,
  type Pools,
  type TransactionResult,
} from '../../core/ledger/index.js'
import type { HeaderCheck, TrustExplanation } from '../../core/light/index.js'
import type { DayInfo, VerifiedHeader } from './types.js'

const hex = toHex

export interface CachedHeader {
  bytes: Uint8Array
  signers: string[]
}
export interface CachedEntries {
  entries: (Uint8Array | null)[]
  header: CachedHeader
  at: number
}
export interface CachedDay {
  params: Uint8Array
  pools: Uint8Array
  day: Uint8Array
  header: CachedHeader
}
export interface CachedPayslip {
  record: PayoutRecord
  day: Uint8Array
  header: CachedHeader
}
export interface CachedTx {
  status: 'applied' | 'failed'
  result: TransactionResult
  ledger: bigint
  header: CachedHeader
}
export interface QueuedTx {
  tx: Uint8Array
  hash: Uint8Array
  queuedAt: number
}
export interface RejectedTx {
  rejected: { code: string; reason: string }
}
export interface CachedTrust {
  quorumSet: Uint8Array
  ranking: { id: string; score: number }[]
  explanation?: TrustExplanation
  at: number
}

export const seqKey = (seq: bigint): string => seq.toString().padStart(20, '0')

export function headerOf(check: Extract<HeaderCheck, { ok: true }>): VerifiedHeader {
  const h = check.header
  return {
    seq: h.seq,
    hash: check.hash,
    closeTime: h.value.closeTime,
    day: h.day,
    signers: check.signers,
    header: h,
  }
}

export function cachedHeader(h: VerifiedHeader): CachedHeader {
  return { bytes: LedgerHeaderType.encode(h.header), signers: [...h.signers] }
}

export function fromCachedHeader(c: CachedHeader | undefined): VerifiedHeader | undefined {
  if (!c || !(c.bytes instanceof Uint8Array)) return undefined
  const d = LedgerHeaderType.tryDecode(c.bytes)
  if (!d.ok) return undefined
  const h = d.value
  return {
    seq: h.seq,
    hash: sha256(c.bytes),
    closeTime: h.value.closeTime,
    day: h.day,
    signers: Array.isArray(c.signers) ? c.signers.filter((s) => typeof s === 'string') : [],
    header: h,
  }
}

export function decodeEntry(bytes: Uint8Array | null | undefined): Entry | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined
  const d = EntryType.tryDecode(bytes)
  return d.ok ? d.value : undefined
}

export function describeKey(key: EntryKey): string {
  switch (key.type) {
    case 'account':
      return `account ${hex(key.id).slice(0, 12)}…`
    case 'validator':
      return `validator ${hex(key.id).slice(0, 12)}…`
    case 'day':
      return `day ${key.day}`
    default:
      return key.type
  }
}

export function entryCacheKey(key: EntryKey): string {
  switch (key.type) {
    case 'account':
      return `account:${hex(key.id)}`
    case 'validator':
      return `validator:${hex(key.id)}`
    case 'day':
      return `day:${key.day}`
    default:
      return key.type
  }
}

export function dayInfo(
  params: Params,
  pools: Pools,
  dayEntry: DayEntry,
  header: VerifiedHeader,
  fromCache: boolean,
): DayInfo {
  return {
    day: dayEntry.day,
    beacon: dayEntry.beacon,
    startsAt: params.genesisTime + dayEntry.day * params.dayLength,
    endsAt: params.genesisTime + (dayEntry.day + 1n) * params.dayLength,
    puzzle: {
      memoryKiB: params.puzzleMemoryKiB,
      checkInDifficulty: params.checkInDifficulty,
      createAccountDifficulty: params.createAccountDifficulty,
    },
    params,
    everCheckedIn: pools.everCheckedIn,
    dayEntry,
    header,
    fromCache,
  }
}
