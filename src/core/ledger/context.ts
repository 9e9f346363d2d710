/** What the ledger's rules are given besides the state: everything from outside enters here (habit 1). */
import type { PassedChecks } from './checks.js'
import type { Transaction } from './types.js'

export interface LedgerContext {
  /** SHA-256 of the network passphrase. */
  networkId: Uint8Array
  /** Ids of the signature and puzzle checks that passed (checks.ts). */
  passed: PassedChecks
  /** Run the full invariant suite after the ledger (tests, dev builds). The cheap checks always run. */
  checkInvariants?: boolean
}

/** The environment of one ledger being applied. */
export interface LedgerEnv {
  ctx: LedgerContext
  ledgerSeq: bigint
  closeTime: bigint
  /** The mining day of closeTime. */
  day: bigint
  /** The payout of account `index` on closed day `day`, from that day's payout table. */
  payoutOf(day: bigint, index: number): { reward: bigint; feeShare: bigint } | undefined
}

/** The environment of one transaction within a ledger. */
export interface TxEnv extends LedgerEnv {
  tx: Transaction
  txHash: Uint8Array
  /** Keys whose signatures on the transaction verified. */
  signers: readonly Uint8Array[]
}
