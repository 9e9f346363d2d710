/**
 * setSigner: rotate the key that signs for the account (Stellar's setOptions signer, reduced to the
 * one case a phone wallet needs: replacing a lost or exposed key). The account keeps its address.
 * Any 32-byte key is accepted; the new key must sign every later transaction.
 */
import type { TxEnv } from '../context.js'
import type { Reader, Txn } from '../state.js'
import type { OpCode, OpOf } from '../types.js'

type SetSigner = OpOf<'setSigner'>

export function checkSetSigner(_view: Reader, _op: SetSigner, _env: TxEnv): OpCode {
  return 'op_success'
}

export function applySetSigner(txn: Txn, op: SetSigner, env: TxEnv): void {
  const a = txn.account(env.tx.source)!
  txn.putAccount(env.tx.source, { ...a, signer: op.signer })
}
