/**
 * What a validator persists, behind one interface with two implementations (memory for the simulator
 * and tests, SQLite for real nodes) and one compliance suite (relay/test/unit/store.compliance.ts).
 *
 * A closed ledger is committed atomically with everything it changed: header, transaction set,
 * results and their index, the state entries it wrote, the payout tables it created or dropped. After
 * a crash at any moment the store holds every ledger up to some N and the state of exactly N.
 */
import type { Entry, LedgerDiff, PayoutTable } from '../../../src/core/ledger/index.js'

/** How many mining days of payout tables a relay keeps for payslips. */
export const PAYOUT_RETENTION_DAYS = 30n

export interface LedgerRecord {
  seq: bigint
  hash: Uint8Array
  /** SHA-256 of txSet. */
  txSetHash: Uint8Array
  /** Canonical LedgerHeader bytes. */
  header: Uint8Array
  /** Canonical TransactionSet bytes. */
  txSet: Uint8Array
  /** Canonical TransactionResult bytes, in apply order. */
  results: Uint8Array[]
  /** The transaction hash of each result. */
  txHashes: Uint8Array[]
  closeTime: bigint
}

export interface TxLocation {
  seq: bigint
  index: number
}

export interface NodeStore {
  readonly kind: string
  /** The genesis or last closed ledger, or undefined for an empty store. */
  lastLedger(): LedgerRecord | undefined
  ledger(seq: bigint): LedgerRecord | undefined
  /** The transaction set of a closed ledger, by its hash. */
  txSetByHash(hash: Uint8Array): Uint8Array | undefined
  /** Every current state entry, by map key (src/core/ledger/keys.ts). */
  entries(): Iterable<[string, Entry]>
  /**
   * Payout tables kept for payslips: every table of the last PAYOUT_RETENTION_DAYS mining days, also
   * after the ledger has credited all its lines (the ledger drops it then; phones still ask).
   */
  payoutTables(): PayoutTable[]
  payoutTable(day: bigint): PayoutTable | undefined
  /** Persist a closed ledger and its diff in one atomic step. */
  commitLedger(record: LedgerRecord, diff: LedgerDiff): void
  txLocation(hash: Uint8Array): TxLocation | undefined
  /** The node's own latest SCP envelope of a kind ('nomination' | 'ballot') for a slot, for restore after a crash. */
  saveOwnEnvelope(slot: bigint, kind: 'nomination' | 'ballot', envelope: Uint8Array): void
  ownEnvelopes(slot: bigint): Uint8Array[]
  /**
   * Signed EXTERNALIZE envelopes of a slot. Those of slot N certify the value of ledger N (catch-up
   * checks them); those of slot N + 1 certify header N, whose hash the next value names (light
   * clients check them).
   */
  addExternalize(slot: bigint, nodeId: string, envelope: Uint8Array): void
  externalizes(slot: bigint): Uint8Array[]
  getMeta(key: string): string | undefined
  setMeta(key: string, value: string): void
  /** Drop own SCP envelopes of slots before `beforeSlot` (restore needs only the current slot). */
  prune(beforeSlot: bigint): void
  close(): void
}
