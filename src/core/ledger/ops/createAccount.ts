/**
 * createAccount: an account is created by its owner, for free, with a heavier anti-spam puzzle and an
 * optional referrer, its ambassador (PRODUCT §4.4 "Account creation needs no money").
 *
 * The transaction's source is the new account: it is signed by the new key, has sequence number 1,
 * and this must be its only operation (checked at the transaction level, tx_malformed).
 *
 * Validity:
 *  1. the account does not exist yet (op_already_exists);
 *  2. `day` is this ledger's day or the day before, and has a beacon (op_wrong_day): a puzzle solved
 *     just before midnight stays good for one more day;
 *  3. the referrer, if any, is not the account itself and exists (op_no_referrer);
 *  4. the Argon2id puzzle bound to (network, account, day, beacon) is solved at the account-creation
 *     difficulty (op_bad_puzzle).
 *
 * Effect: the account starts with balance 0, sequence number 1, its own key as signer, the next
 * creation index, and the referrer.
 */
import { equalBytes } from '../../codec/bytes.js'
import { puzzleCheck, puzzleParams } from '../checks.js'
import type { TxEnv } from '../context.js'
import { createAccountChallenge } from '../puzzle.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'

type CreateAccount = OpOf<'createAccount'>

export function checkCreateAccount(view: Reader, op: CreateAccount, env: TxEnv): OpCode {
  if (view.account(env.tx.source)) return 'op_already_exists'
  if (op.day !== env.day && op.day + 1n !== env.day) return 'op_wrong_day'
  const dayEntry = view.day(op.day)
  if (!dayEntry) return 'op_wrong_day'
  if (op.referrer && (equalBytes(op.referrer, env.tx.source) || !view.account(op.referrer)))
    return 'op_no_referrer'
  const challenge = createAccountChallenge(env.ctx.networkId, env.tx.source, op.day, dayEntry.beacon)
  if (!env.ctx.passed.has(puzzleCheck(challenge, op.nonce, puzzleParams(view, 'createAccount')).id))
    return 'op_bad_puzzle'
  return 'op_success'
}

export function applyCreateAccount(txn: Txn, op: CreateAccount, env: TxEnv): void {
  const pools = txn.pools()
  txn.putAccount(env.tx.source, {
    v: 1,
    index: pools.accountCount,
    balance: 0n,
    seq: 0n, // the transaction layer raises it to the transaction's sequence number (1)
    signer: env.tx.source,
    createdLedger: env.ledgerSeq,
    ...(op.referrer ? { referrer: op.referrer } : {}),
    circle: [],
    checkIns: { total: 0, streak: 0 },
    locked: 0n,
  })
  txn.putPools({ ...pools, accountCount: pools.accountCount + 1 })
}
