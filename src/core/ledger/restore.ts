/**
 * Rebuild a `LedgerState` from stored entries (a relay restarting, a node loading a snapshot): the
 * entry map, the state tree, the mining index and the open payout tables all follow from the entries
 * and the last header, so only those are persisted. The rebuilt state root must equal the stored
 * header's, which proves the store is intact.
 */
import { equalBytes, toHex } from '../codec/bytes.js'
import { commit, headerHash } from './close.js'
import type { PayoutTable } from './payouts.js'
import { LedgerState, Txn } from './state.js'
import type { Entry, LedgerHeader } from './types.js'

export class StateRestoreError extends Error {
  override readonly name = 'StateRestoreError'
}

export function restoreState(
  entries: Iterable<[string, Entry]>,
  header: LedgerHeader,
  payoutTables: Iterable<PayoutTable>,
  options: { hasher?: (b: Uint8Array) => Uint8Array } = {},
): LedgerState {
  const state = new LedgerState(options)
  const txn = new Txn(state)
  for (const [k, e] of entries) txn.changes.set(k, e)
  commit(state, txn, header.seq, new Map())
  const root = state.tree.root()
  if (!equalBytes(root, header.stateRoot)) {
    throw new StateRestoreError(
      `restoreState: the stored entries hash to state root ${toHex(root)}, the last header says ${toHex(header.stateRoot)}`,
    )
  }
  // Only tables whose lines are not all credited yet belong to the ledger state; stores may keep more.
  for (const t of payoutTables) {
    const day = state.day(t.day)
    if (day?.closed && day.sweepNext < day.payoutCount) state.payoutTables.set(t.day, t)
  }
  state.header = header
  state.headerHash = headerHash(header)
  return state
}
