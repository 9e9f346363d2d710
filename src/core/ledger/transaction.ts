/**
 * Transaction-level rules: validity (`validateTransaction`) and application (`applyTransaction`).
 *
 * Validity, in this order (each failure has its own result code and changes nothing):
 *  1. tx_too_many_ops — more operations than maxOpsPerLedger;
 *  2. tx_malformed — a createAccount that is not the only operation or not at sequence number 1,
 *     or time bounds with maxTime below minTime;
 *  3. tx_too_early / tx_too_late — the ledger's close time is outside the time bounds;
 *  4. tx_no_account — the source does not exist (except for its own createAccount);
 *  5. tx_bad_seq — the sequence number is not the account's next one (replay protection);
 *  6. tx_bad_auth — a signature does not verify (wrong key, tampered, or signed for another network:
 *     the network id is part of the signed bytes), or the account's signer has not signed;
 *     tx_bad_auth_extra — a signature by a key that is not needed, or one key twice;
 *  7. tx_insufficient_balance — the source cannot pay the fee (a payout waiting to be credited counts).
 *
 * Application (Stellar's semantics): a valid transaction always pays its fee (to the fee pool) and
 * consumes its sequence number; its operations then apply all together or not at all (tx_failed, with
 * the failing operation's code and op_not_applied for the rest).
 */
import { equalBytes } from '../codec/bytes.js'
import { signatureCheck, transactionHash } from './checks.js'
import type { LedgerEnv, TxEnv } from './context.js'
import { idString } from './keys.js'
import { applyOperation, checkOperation } from './ops/index.js'
import { settle } from './ops/settle.js'
import type { Reader, Txn } from './state.js'
import type { OpCode, TransactionEnvelope, TransactionResult, TxCode } from './types.js'

export interface TxValidation {
  code: TxCode
  /** A sentence for people, saying which rule failed. */
  reason: string
}

const ok: TxValidation = { code: 'tx_success', reason: '' }
const fail = (code: TxCode, reason: string): TxValidation => ({ code, reason })

export function isCreateAccountTx(env: TransactionEnvelope): boolean {
  return env.tx.operations.some((op) => op.type === 'createAccount')
}

/** What the source could spend: its balance plus a closed day's payout not yet credited. */
export function spendableBalance(view: Reader, id: Uint8Array, env: LedgerEnv): bigint {
  const a = view.account(id)
  if (!a) return 0n
  if (a.unsettledDay === undefined || a.unsettledDay >= env.day) return a.balance
  const line = env.payoutOf(a.unsettledDay, a.index)
  return a.balance + (line ? line.reward + line.feeShare : 0n)
}

export function validateTransaction(
  view: Reader,
  envelope: TransactionEnvelope,
  env: LedgerEnv,
  txHash?: Uint8Array,
): TxValidation {
  const { tx } = envelope
  const params = view.params()
  if (tx.operations.length > params.maxOpsPerLedger) {
    return fail(
      'tx_too_many_ops',
      `${tx.operations.length} operations exceed the ledger limit of ${params.maxOpsPerLedger}`,
    )
  }
  const creating = isCreateAccountTx(envelope)
  if (creating && (tx.operations.length !== 1 || tx.seq !== 1n)) {
    return fail(
      'tx_malformed',
      'createAccount must be the only operation of its transaction, at sequence number 1',
    )
  }
  const tb = tx.timeBounds
  if (tb) {
    if (tb.maxTime !== 0n && tb.maxTime < tb.minTime)
      return fail('tx_malformed', 'time bounds end before they start')
    if (env.closeTime < tb.minTime)
      return fail('tx_too_early', `valid from close time ${tb.minTime}, ledger closes at ${env.closeTime}`)
    if (tb.maxTime !== 0n && env.closeTime > tb.maxTime) {
      return fail('tx_too_late', `valid until close time ${tb.maxTime}, ledger closes at ${env.closeTime}`)
    }
  }
  const account = view.account(tx.source)
  if (!account && !creating) return fail('tx_no_account', 'the source account does not exist')
  const expectedSeq = account ? account.seq + 1n : 1n
  if (tx.seq !== expectedSeq) return fail('tx_bad_seq', `sequence number ${tx.seq}, expected ${expectedSeq}`)

  const hash = txHash ?? transactionHash(env.ctx.networkId, tx)
  const required = account ? account.signer : tx.source
  let signedByRequired = false
  let extra = false
  const seen = new Set<string>()
  for (const s of envelope.signatures) {
    if (!env.ctx.passed.has(signatureCheck(s.publicKey, hash, s.signature).id)) {
      return fail('tx_bad_auth', 'a signature does not verify for this transaction on this network')
    }
    const k = idString(s.publicKey)
    if (seen.has(k)) extra = true
    seen.add(k)
    if (equalBytes(s.publicKey, required)) signedByRequired = true
    else extra = true
  }
  if (!signedByRequired) return fail('tx_bad_auth', "not signed by the account's signer")
  if (extra) return fail('tx_bad_auth_extra', 'signed by a key that is not needed, or by one key twice')
  if (spendableBalance(view, tx.source, env) < tx.fee) {
    return fail('tx_insufficient_balance', `the fee ${tx.fee} exceeds the spendable balance`)
  }
  return ok
}

/** Apply one transaction to the ledger's view and return its result. Never throws on peer input. */
export function applyTransaction(
  txn: Txn,
  envelope: TransactionEnvelope,
  env: LedgerEnv,
  txHash: Uint8Array,
): TransactionResult {
  const { tx } = envelope
  const validity = validateTransaction(txn, envelope, env, txHash)
  if (validity.code !== 'tx_success') return { txHash, code: validity.code, feeCharged: 0n, opResults: [] }

  // Fee and sequence number, kept whatever the operations do.
  const creating = isCreateAccountTx(envelope)
  if (!creating) {
    settle(txn, tx.source, env)
    const a = txn.account(tx.source)!
    txn.putAccount(tx.source, { ...a, balance: a.balance - tx.fee, seq: tx.seq })
    if (tx.fee > 0n) {
      const pools = txn.pools()
      txn.putPools({ ...pools, feePool: pools.feePool + tx.fee })
    }
  }

  const txEnv: TxEnv = { ...env, tx, txHash, signers: envelope.signatures.map((s) => s.publicKey) }
  const child = txn.child()
  const opResults: OpCode[] = []
  let failed = false
  for (const op of tx.operations) {
    if (failed) {
      opResults.push('op_not_applied')
      continue
    }
    const code = checkOperation(child, op, txEnv)
    opResults.push(code)
    if (code === 'op_success') applyOperation(child, op, txEnv)
    else failed = true
  }
  if (failed) return { txHash, code: 'tx_failed', feeCharged: creating ? 0n : tx.fee, opResults }
  child.commitInto(txn)
  if (creating) {
    const a = txn.account(tx.source)!
    txn.putAccount(tx.source, { ...a, seq: tx.seq })
  }
  return { txHash, code: 'tx_success', feeCharged: creating ? 0n : tx.fee, opResults }
}
