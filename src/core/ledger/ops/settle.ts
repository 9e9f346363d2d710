/**
 * Lazy credit of daily payouts (PRODUCT §4.4: "credit weight × rate when the account is next
 * touched"). The close of a day writes one payout table and moves the day's whole payout into
 * `pools.pendingPayouts`; each account's line is credited to its balance the next time a transaction
 * touches the account, or by the background sweep (daily.ts), whichever comes first. An account has at
 * most one unsettled day: the day of its last check-in.
 */
import type { LedgerEnv } from '../context.js'
import type { Txn } from '../state.js'

/** Credit `id`'s pending payout if its day has closed. Returns the amount credited. */
export function settle(txn: Txn, id: Uint8Array, env: LedgerEnv): bigint {
  const a = txn.account(id)
  if (!a || a.unsettledDay === undefined || a.unsettledDay >= env.day) return 0n
  const line = env.payoutOf(a.unsettledDay, a.index)
  if (!line)
    throw new Error(
      `settle: expected a payout line for account #${a.index} on day ${a.unsettledDay}, got none`,
    )
  const amount = line.reward + line.feeShare
  const { unsettledDay: _, ...rest } = a
  txn.putAccount(id, { ...rest, balance: a.balance + amount })
  const pools = txn.pools()
  if (pools.pendingPayouts < amount) {
    throw new Error(`settle: expected pending payouts ≥ ${amount}, got ${pools.pendingPayouts}`)
  }
  txn.putPools({ ...pools, pendingPayouts: pools.pendingPayouts - amount })
  return amount
}
