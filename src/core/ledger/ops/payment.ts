/**
 * payment: move `amount` from the source account to an existing destination (PRODUCT §3.1).
 *
 * Validity:
 *  1. the destination is not the source (op_self_payment): a self-payment moves nothing and only costs a fee;
 *  2. the destination exists (op_no_destination): accounts are created by their owner, for free;
 *  3. the source holds `amount` after the fee (op_underfunded);
 *  4. the destination's balance stays within the supply cap (op_line_full; unreachable with honest
 *     totals, kept so an arithmetic bug fails the op instead of corrupting state).
 * The amount is positive and within the supply cap by its codec.
 */
import { equalBytes } from '../../codec/bytes.js'
import { MAX_AMOUNT } from '../amounts.js'
import type { TxEnv } from '../context.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'
import { settle } from './settle.js'

type Payment = OpOf<'payment'>

export function checkPayment(view: Reader, op: Payment, env: TxEnv): OpCode {
  if (equalBytes(op.destination, env.tx.source)) return 'op_self_payment'
  const dest = view.account(op.destination)
  if (!dest) return 'op_no_destination'
  const source = view.account(env.tx.source)!
  if (source.balance < op.amount) return 'op_underfunded'
  if (dest.balance + op.amount > MAX_AMOUNT) return 'op_line_full'
  return 'op_success'
}

export function applyPayment(txn: Txn, op: Payment, env: TxEnv): void {
  const source = txn.account(env.tx.source)!
  txn.putAccount(env.tx.source, { ...source, balance: source.balance - op.amount })
  settle(txn, op.destination, env)
  const dest = txn.account(op.destination)!
  txn.putAccount(op.destination, { ...dest, balance: dest.balance + op.amount })
}
