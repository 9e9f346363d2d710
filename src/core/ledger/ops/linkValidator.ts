/**
 * linkValidator: an account claims a validator as its node (PRODUCT §4.4: the node bonus, +1.0 on a
 * day the validator signed at least 80% of the ledger certificates). Both keys sign: the account signs
 * the transaction, the validator signs `validatorLinkMessage(network, account, validator)` (a
 * domain-separated signature that can only mean this link).
 *
 * Validity:
 *  1. the validator's signature verifies (op_bad_validator_signature);
 *  2. the validator is not linked to another account (op_validator_taken); re-linking the same pair
 *     is allowed and changes nothing.
 *
 * Effect: the account's previous validator (if any) is released, and the link is recorded both ways.
 */
import { equalBytes } from '../../codec/bytes.js'
import { signatureCheck, validatorLinkMessage } from '../checks.js'
import type { TxEnv } from '../context.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'

type LinkValidator = OpOf<'linkValidator'>

export function checkLinkValidator(view: Reader, op: LinkValidator, env: TxEnv): OpCode {
  const message = validatorLinkMessage(env.ctx.networkId, env.tx.source, op.validator)
  if (!env.ctx.passed.has(signatureCheck(op.validator, message, op.validatorSignature).id)) {
    return 'op_bad_validator_signature'
  }
  const existing = view.validator(op.validator)
  if (existing && !equalBytes(existing.account, env.tx.source)) return 'op_validator_taken'
  return 'op_success'
}

export function applyLinkValidator(txn: Txn, op: LinkValidator, env: TxEnv): void {
  const a = txn.account(env.tx.source)!
  if (a.linkedValidator && !equalBytes(a.linkedValidator, op.validator))
    txn.deleteValidator(a.linkedValidator)
  txn.putValidator(op.validator, { v: 1, account: env.tx.source })
  txn.putAccount(env.tx.source, { ...a, linkedValidator: op.validator })
}
