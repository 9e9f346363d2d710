/**
 * setSecurityCircle: name up to 5 people the account trusts (PRODUCT §3.1). Each member who also
 * checks in on a day adds +0.2 to the account's weight that day (at most +1.0; daily.ts). Setting an
 * empty list clears the circle.
 *
 * Validity:
 *  1. at most 5 members (by the codec);
 *  2. not the account itself (op_circle_self);
 *  3. no member twice (op_circle_duplicate);
 *  4. every member is an existing account (op_circle_unknown_member).
 */
import { equalBytes } from '../../codec/bytes.js'
import type { TxEnv } from '../context.js'
import { idString } from '../keys.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'

type SetSecurityCircle = OpOf<'setSecurityCircle'>

export function checkSetSecurityCircle(view: Reader, op: SetSecurityCircle, env: TxEnv): OpCode {
  const seen = new Set<string>()
  for (const m of op.members) {
    if (equalBytes(m, env.tx.source)) return 'op_circle_self'
    const k = idString(m)
    if (seen.has(k)) return 'op_circle_duplicate'
    seen.add(k)
  }
  for (const m of op.members) if (!view.account(m)) return 'op_circle_unknown_member'
  return 'op_success'
}

export function applySetSecurityCircle(txn: Txn, op: SetSecurityCircle, env: TxEnv): void {
  const a = txn.account(env.tx.source)!
  txn.putAccount(env.tx.source, { ...a, circle: op.members.map((m) => m.slice()) })
}
