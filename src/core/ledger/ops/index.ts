/**
 * The operation dispatcher. Each operation is validated against the view that includes the effects of
 * the operations before it in the same transaction, then applied to that view; the transaction layer
 * (../transaction.ts) commits all of them or none.
 */
import type { TxEnv } from '../context.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, Operation } from '../types.js'
import { applyCheckIn, checkCheckIn } from './checkIn.js'
import { applyCreateAccount, checkCreateAccount } from './createAccount.js'
import { applyLinkValidator, checkLinkValidator } from './linkValidator.js'
import { applyPayment, checkPayment } from './payment.js'
import { applySetSecurityCircle, checkSetSecurityCircle } from './setSecurityCircle.js'
import { applySetSigner, checkSetSigner } from './setSigner.js'

export function checkOperation(view: Reader, op: Operation, env: TxEnv): OpCode {
  switch (op.type) {
    case 'createAccount':
      return checkCreateAccount(view, op, env)
    case 'payment':
      return checkPayment(view, op, env)
    case 'checkIn':
      return checkCheckIn(view, op, env)
    case 'setSecurityCircle':
      return checkSetSecurityCircle(view, op, env)
    case 'linkValidator':
      return checkLinkValidator(view, op, env)
    case 'setSigner':
      return checkSetSigner(view, op, env)
  }
}

export function applyOperation(txn: Txn, op: Operation, env: TxEnv): void {
  switch (op.type) {
    case 'createAccount':
      applyCreateAccount(txn, op, env)
      return
    case 'payment':
      applyPayment(txn, op, env)
      return
    case 'checkIn':
      applyCheckIn(txn, op, env)
      return
    case 'setSecurityCircle':
      applySetSecurityCircle(txn, op, env)
      return
    case 'linkValidator':
      applyLinkValidator(txn, op, env)
      return
    case 'setSigner':
      applySetSigner(txn, op, env)
      return
  }
}
