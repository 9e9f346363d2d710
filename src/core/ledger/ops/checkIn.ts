/**
 * checkIn: the daily "I am a person" confirmation that makes an account a miner for the day
 * (PRODUCT §4.4).
 *
 * Validity:
 *  1. `day` is the mining day of this ledger's close time (op_wrong_day): a check-in solved before
 *     midnight but included after it is refused, never moved to another day;
 *  2. the account has not checked in on `day` (op_already_checked_in): one check-in per day;
 *  3. the Argon2id puzzle bound to (network, account, day, the day's beacon) is solved (op_bad_puzzle).
 *
 * Effect: the account's previous day is settled (its payout credited), the check-in is recorded
 * (total, streak, last day), the day becomes the account's unsettled day, the day's check-in count
 * grows, and the first check-in ever counts towards N in the halving rate r(N).
 */

import { puzzleCheck, puzzleParams } from '../checks.js'
import type { TxEnv } from '../context.js'
import { checkInChallenge } from '../puzzle.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'
import { settle } from './settle.js'

type CheckIn = OpOf<'checkIn'>

export function checkCheckIn(view: Reader, op: CheckIn, env: TxEnv): OpCode {
  if (op.day !== env.day) return 'op_wrong_day'
  const dayEntry = view.day(op.day)
  if (!dayEntry) return 'op_wrong_day'
  const account = view.account(env.tx.source)!
  if (account.checkIns.lastDay === op.day) return 'op_already_checked_in'
  const challenge = checkInChallenge(env.ctx.networkId, env.tx.source, op.day, dayEntry.beacon)
  if (!env.ctx.passed.has(puzzleCheck(challenge, op.nonce, puzzleParams(view, 'checkIn')).id))
    return 'op_bad_puzzle'
  return 'op_success'
}

export function applyCheckIn(txn: Txn, op: CheckIn, env: TxEnv): void {
  settle(txn, env.tx.source, env)
  const a = txn.account(env.tx.source)!
  const first = a.checkIns.lastDay === undefined
  const streak = a.checkIns.lastDay === op.day - 1n ? a.checkIns.streak + 1 : 1
  txn.putAccount(env.tx.source, {
    ...a,
    checkIns: { total: a.checkIns.total + 1, lastDay: op.day, streak },
    unsettledDay: op.day,
  })
  const day = txn.day(op.day)!
  txn.putDay({ ...day, checkIns: day.checkIns + 1 })
  if (first) {
    const pools = txn.pools()
    txn.putPools({ ...pools, everCheckedIn: pools.everCheckedIn + 1n })
  }
}
