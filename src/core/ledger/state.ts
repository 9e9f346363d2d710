/**
 * Ledger state and its nested transactional views.
 *
 * `LedgerState` holds every entry (accounts, validators, days, params, pools) in one map keyed by
 * `keys.ts` strings, plus three derived structures kept in step with the entries: the state tree
 * (state root and proofs), the mining index (daily close) and the payout tables of closed days.
 *
 * Operations never write to the state directly: they work in a `Txn` (like stellar-core's
 * LedgerTxn), a child view that records changes and reads through to its parent. A transaction's ops
 * run in a child of the ledger's Txn and are committed into it only if every op succeeds; the ledger's
 * Txn is applied to the state once, at the end of the ledger, which is where the tree and the index
 * are updated and the diff for storage is produced.
 */
import { sha256 } from '../codec/hash.js'
import { type Hasher, SparseMerkleTree } from '../merkle/smt.js'
import { accountKey, dayKey, idString, PARAMS_KEY, POOLS_KEY, validatorKey } from './keys.js'
import { MiningIndex } from './mining-index.js'
import type { PayoutTable } from './payouts.js'
import type { Account, DayEntry, Entry, LedgerHeader, Params, Pools, ValidatorEntry } from './types.js'

type EntryOf<T extends Entry['type']> = Extract<Entry, { type: T }>
export type AccountEntry = EntryOf<'account'>
export type DayRecord = EntryOf<'day'>
export type PoolsEntry = EntryOf<'pools'>
export type ParamsEntry = EntryOf<'params'>
export type ValidatorRecord = EntryOf<'validator'>

export interface EntryReader {
  getEntry(k: string): Entry | undefined
}

function expectType<T extends Entry['type']>(
  e: Entry | undefined,
  type: T,
  k: string,
): EntryOf<T> | undefined {
  if (e === undefined) return undefined
  if (e.type !== type)
    throw new Error(`state: expected a ${type} entry at ${JSON.stringify(k)}, got ${e.type}`)
  return e as EntryOf<T>
}

/** Typed reads shared by the state and its views. */
export abstract class Reader implements EntryReader {
  abstract getEntry(k: string): Entry | undefined

  account(id: Uint8Array): AccountEntry | undefined {
    const k = accountKey(id)
    return expectType(this.getEntry(k), 'account', k)
  }
  validator(id: Uint8Array): ValidatorRecord | undefined {
    const k = validatorKey(id)
    return expectType(this.getEntry(k), 'validator', k)
  }
  day(day: bigint): DayRecord | undefined {
    const k = dayKey(day)
    return expectType(this.getEntry(k), 'day', k)
  }
  params(): ParamsEntry {
    const p = expectType(this.getEntry(PARAMS_KEY), 'params', PARAMS_KEY)
    if (!p) throw new Error('state: expected a params entry, got none')
    return p
  }
  pools(): PoolsEntry {
    const p = expectType(this.getEntry(POOLS_KEY), 'pools', POOLS_KEY)
    if (!p) throw new Error('state: expected a pools entry, got none')
    return p
  }
}

/** A set of pending changes over a parent reader. `null` marks a deletion. */
export class Txn extends Reader {
  readonly changes = new Map<string, Entry | null>()
  constructor(readonly parent: Reader) {
    super()
  }

  getEntry(k: string): Entry | undefined {
    const c = this.changes.get(k)
    if (c !== undefined) return c ?? undefined
    return this.parent.getEntry(k)
  }

  child(): Txn {
    return new Txn(this)
  }

  /** Fold this view's changes into its parent view. */
  commitInto(parent: Txn): void {
    if (this.parent !== parent) throw new Error('Txn.commitInto: expected the parent view')
    for (const [k, v] of this.changes) parent.changes.set(k, v)
    this.changes.clear()
  }

  putAccount(id: Uint8Array, a: Account): void {
    this.changes.set(accountKey(id), { type: 'account', ...a })
  }
  putValidator(id: Uint8Array, v: ValidatorEntry): void {
    this.changes.set(validatorKey(id), { type: 'validator', ...v })
  }
  deleteValidator(id: Uint8Array): void {
    this.changes.set(validatorKey(id), null)
  }
  putDay(d: DayEntry): void {
    this.changes.set(dayKey(d.day), { type: 'day', ...d })
  }
  putPools(p: Pools): void {
    this.changes.set(POOLS_KEY, { type: 'pools', ...p })
  }
  putParams(p: Params): void {
    this.changes.set(PARAMS_KEY, { type: 'params', ...p })
  }
}

/** The committed state after the last closed ledger. */
export class LedgerState extends Reader {
  readonly entries = new Map<string, Entry>()
  readonly tree: SparseMerkleTree
  readonly mining = new MiningIndex()
  /** Payout tables of closed days whose payouts are not all credited yet. */
  readonly payoutTables = new Map<bigint, PayoutTable>()
  /** Header of the last closed ledger, and its hash. */
  header!: LedgerHeader
  headerHash!: Uint8Array

  /**
   * SHA-256 for the state tree, entry hashes and payout tables. Any correct implementation gives the
   * same result; the relay injects a faster one than the pure-JS default (src/platform/sha256-node.ts).
   */
  readonly hasher: Hasher

  constructor(options: { hasher?: Hasher } = {}) {
    super()
    this.hasher = options.hasher ?? sha256
    this.tree = new SparseMerkleTree({ hasher: this.hasher })
  }

  getEntry(k: string): Entry | undefined {
    return this.entries.get(k)
  }

  /** The current mining day (of the last closed ledger). */
  get currentDay(): bigint {
    return this.header.day
  }

  /** Account id of a creation index. */
  accountIdAt(index: number): Uint8Array {
    return this.mining.keyAt(index)
  }

  accountIndexOf(id: Uint8Array): number | undefined {
    return this.account(id)?.index
  }

  /** Map key strings of the validator linked to `validatorId` (for the mining index). */
  static validatorSlotKey(validatorId: Uint8Array): string {
    return idString(validatorId)
  }
}
