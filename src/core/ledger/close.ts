/**
 * Closing a ledger: `closeLedger(state, value, txSet, ctx)` applies an externalized SCP value and its
 * transaction set to the last closed state and returns the new header, the transaction results and
 * the diff to persist (Lodestar's stateTransition shape).
 *
 * Order of work, identical on every validator:
 *   1. count the attestations the set carries for the previous ledger (node bonus), in that
 *      ledger's day;
 *   2. close any mining day(s) that ended before this ledger's close time (daily.ts), and open the new
 *      day with its beacon (the previous header's hash);
 *   3. credit a bounded batch of pending payouts (daily.ts sweep);
 *   4. apply the transactions in set order (txset.ts `applyOrder`);
 *   5. apply upgrades;
 *   6. write the changed entries into the state tree, the mining index and the entry map, and build
 *      the header (results root, state root, totals).
 *
 * Ownership: `state` is updated in place and returned (copying a million-account state per ledger
 * would cost more than the ledger). A caller that needs the old state keeps its own copy; validators
 * never do, since a closed ledger is final.
 */
import { equalBytes } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { merkleRoot } from '../merkle/list.js'
import type { LedgerContext, LedgerEnv } from './context.js'
import { closeDay, dayOf, payoutLine, sweepPayouts } from './daily.js'
import { checkInvariants, type InvariantSnapshot, snapshotOf } from './invariants.js'
import { entryKeyHash, entryKeyOf, idString } from './keys.js'
import type { PayoutTable } from './payouts.js'
import { type LedgerState, Txn } from './state.js'
import { applyTransaction } from './transaction.js'
import { applyOrder, prepare, txSetHash } from './txset.js'
import {
  type Entry,
  EntryType,
  type LedgerHeader,
  LedgerHeaderType,
  type LedgerValue,
  type Params,
  type TransactionResult,
  TransactionResultType,
  type TransactionSet,
} from './types.js'

export interface LedgerDiff {
  seq: bigint
  /**
   * Every entry written by this ledger (undefined: deleted), by map key, with its value before the
   * ledger (undefined: it did not exist) so a view of the previous ledger can be rebuilt.
   */
  entries: { key: string; entry: Entry | undefined; before: Entry | undefined }[]
  /** Payout tables created by day closes in this ledger. */
  payoutTablesAdded: PayoutTable[]
  /** Days whose payout tables were fully credited and dropped. */
  payoutTablesRemoved: bigint[]
}

export interface CloseResult {
  header: LedgerHeader
  headerHash: Uint8Array
  results: TransactionResult[]
  diff: LedgerDiff
}

export function headerHash(header: LedgerHeader): Uint8Array {
  return sha256(LedgerHeaderType.encode(header))
}

export function closeLedger(
  state: LedgerState,
  value: LedgerValue,
  txSet: TransactionSet,
  ctx: LedgerContext,
): CloseResult {
  // Preconditions: SCP only externalizes values this node validated, so a mismatch is a caller bug.
  if (!equalBytes(value.previousLedgerHash, state.headerHash))
    throw new Error('closeLedger: value is not for the last closed ledger')
  if (!equalBytes(txSet.previousLedgerHash, state.headerHash))
    throw new Error('closeLedger: set is not for the last closed ledger')
  const setHash = txSetHash(txSet)
  if (!equalBytes(setHash, value.txSetHash))
    throw new Error('closeLedger: transaction set does not match the value')
  if (value.closeTime <= state.header.value.closeTime)
    throw new Error('closeLedger: close time does not advance')

  const before = snapshotOf(state)
  const params = state.params()
  const seq = state.header.seq + 1n
  const day = dayOf(value.closeTime, params.genesisTime, params.dayLength)
  const txn = new Txn(state)
  const tables = new Map(state.payoutTables)
  const added: PayoutTable[] = []
  const env: LedgerEnv = {
    ctx,
    ledgerSeq: seq,
    closeTime: value.closeTime,
    day,
    payoutOf: (d, index) => payoutLine(tables.get(d), index),
  }

  // 1. Attestations of the previous slot count for the previous ledger's day, before that day closes.
  countAttestations(txn, state.header.day, txSet)

  // 2. Day rollover.
  let payoutRoot: Uint8Array | undefined
  if (day > state.header.day) {
    for (let d = state.header.day; d < day; d++) {
      if (!txn.day(d)) {
        // A day with no ledger at all (the network was down): open it to close it.
        txn.putDay(newDay(d, state.headerHash, seq))
      }
      const summary = closeDay(state, txn, d)
      if (summary.table) {
        tables.set(d, summary.table)
        added.push(summary.table)
      }
      payoutRoot = txn.day(d)!.payoutRoot ?? merkleRoot([])
    }
    txn.putDay(newDay(day, state.headerHash, seq))
  }

  const today = txn.day(day)!
  txn.putDay({ ...today, ledgers: today.ledgers + 1 })

  // 3. Background credit of payouts.
  const settledDays = sweepPayouts(txn, tables, env, params.payoutSweepPerLedger)

  // 4. Transactions.
  const results: TransactionResult[] = []
  let opCount = 0
  for (const p of applyOrder(
    txSet.txs.map((e) => prepare(ctx.networkId, e)),
    setHash,
    state.hasher,
  )) {
    results.push(applyTransaction(txn, p.envelope, env, p.hash))
    opCount += p.envelope.tx.operations.length
  }

  // 5. Upgrades (validated with the value: known parameters, in range).
  if (value.upgrades.length > 0) {
    const p: Params = { ...txn.params() }
    for (const u of value.upgrades) {
      const mutable = p as Record<string, unknown>
      mutable[u.param] = Number(u.value)
    }
    txn.putParams(p)
  }

  // 6. Commit.
  const previous = new Map<string, { held: bigint; seq: bigint }>()
  const diff = commit(state, txn, seq, previous)
  for (const t of added) state.payoutTables.set(t.day, t)
  for (const d of settledDays) state.payoutTables.delete(d)
  diff.payoutTablesAdded = added
  diff.payoutTablesRemoved = settledDays

  const pools = state.pools()
  const header: LedgerHeader = {
    v: 1,
    protocolVersion: state.params().protocolVersion,
    seq,
    previousHash: state.headerHash,
    value,
    txSetHash: setHash,
    resultsRoot: merkleRoot(
      results.map((r) => TransactionResultType.encode(r)),
      state.hasher,
    ),
    stateRoot: state.tree.root(),
    totalCoins: pools.genesisCirculating + pools.minted - pools.burned,
    feePool: pools.feePool,
    day,
    ...(payoutRoot ? { payoutRoot } : {}),
    txCount: txSet.txs.length,
    opCount,
  }
  state.header = header
  state.headerHash = headerHash(header)
  checkInvariants(state, before, diff, previous, ctx.checkInvariants === true)
  return { header, headerHash: state.headerHash, results, diff }
}

export function newDay(day: bigint, beacon: Uint8Array, firstLedger: bigint) {
  return {
    v: 1 as const,
    day,
    beacon,
    firstLedger,
    ledgers: 0,
    checkIns: 0,
    closed: false,
    totalPoints: 0n,
    rewardPerPoint: 0n,
    feePerPoint: 0n,
    minted: 0n,
    feesPaid: 0n,
    teamReleased: 0n,
    payoutCount: 0,
    sweepNext: 0,
    validatorSignatures: [],
  }
}

/**
 * Add one attestation per validator in the set to `day`'s counts. The set was validated before SCP
 * accepted its value, including every attestation's signature (attestations.ts), so counting is all
 * that is left.
 */
function countAttestations(txn: Txn, day: bigint, set: TransactionSet): void {
  if (set.attestations.length === 0) return
  const entry = txn.day(day)
  if (!entry || entry.closed) return
  const counts = new Map(entry.validatorSignatures.map((v) => [idString(v.validator), { ...v }]))
  for (const a of set.attestations) {
    const k = idString(a.validator)
    const c = counts.get(k)
    if (c) c.count++
    else counts.set(k, { validator: a.validator, count: 1 })
  }
  const validatorSignatures = [...counts.values()].sort((a, b) => {
    for (let i = 0; i < 32; i++)
      if (a.validator[i] !== b.validator[i]) return a.validator[i]! - b.validator[i]!
    return 0
  })
  txn.putDay({ ...entry, validatorSignatures })
}

/** Write the ledger's changes into the entry map, the state tree and the mining index. */
export function commit(
  state: LedgerState,
  txn: Txn,
  seq: bigint,
  previous: Map<string, { held: bigint; seq: bigint }>,
): LedgerDiff {
  const entries: LedgerDiff['entries'] = []
  const touchedAccounts: string[] = []
  for (const [k, v] of txn.changes) {
    const key = entryKeyOf(k)
    const old = state.entries.get(k)
    if (old?.type === 'account') previous.set(k, { held: old.balance + old.locked, seq: old.seq })
    if (v === null) {
      state.entries.delete(k)
      state.tree.set(entryKeyHash(key, state.hasher), undefined)
      entries.push({ key: k, entry: undefined, before: old })
    } else {
      state.entries.set(k, v)
      state.tree.set(entryKeyHash(key, state.hasher), state.hasher(EntryType.encode(v)))
      entries.push({ key: k, entry: v, before: old })
      if (v.type === 'account') touchedAccounts.push(k)
    }
  }
  // The mining index follows the account entries. New accounts first (circles may name them).
  const accounts = touchedAccounts.map((k) => ({
    id: entryKeyOf(k) as { type: 'account'; id: Uint8Array },
    a: state.entries.get(k)!,
  }))
  accounts.sort((x, y) => (x.a as { index: number }).index - (y.a as { index: number }).index)
  const idx = state.mining
  for (const { id, a } of accounts) {
    if (a.type !== 'account') continue
    if (a.index === idx.count) idx.add(a.index, id.id)
  }
  for (const { id, a } of accounts) {
    if (a.type !== 'account') continue
    const i = a.index
    if (!idx.hasKey(i, id.id)) throw new Error(`commit: mining index out of step at account #${i}`)
    idx.setCircle(
      i,
      a.circle.map((m) => state.account(m)!.index),
    )
    idx.referrer[i] = a.referrer ? state.account(a.referrer)!.index : -1
    idx.totalCheckIns[i] = a.checkIns.total
    idx.lastDay[i] = a.checkIns.lastDay === undefined ? -1 : Number(a.checkIns.lastDay)
    idx.setValidator(i, a.linkedValidator ? idString(a.linkedValidator) : undefined)
  }
  return { seq, entries, payoutTablesAdded: [], payoutTablesRemoved: [] }
}

export type { InvariantSnapshot }
