/**
 * Building and signing transactions in the browser, exactly as the CLI wallet does
 * (relay/src/cli/wallet.ts): the signature covers the domain-separated transaction hash
 * (src/core/codec/signing.ts), so a devnet transaction can never pass on another network.
 */
import { transactionHash } from '../../core/ledger/checks.js'
import { type Operation, type Transaction, TransactionEnvelopeType } from '../../core/ledger/types.js'
import type { WalletSigner } from './signer.js'

export interface SignedTx {
  bytes: Uint8Array
  hash: Uint8Array
  tx: Transaction
}

export async function signTransaction(
  signer: WalletSigner,
  networkId: Uint8Array,
  fields: { seq: bigint; fee: bigint; memo?: string; operations: Operation[] },
): Promise<SignedTx> {
  const tx: Transaction = {
    v: 1,
    source: signer.publicKey,
    seq: fields.seq,
    fee: fields.fee,
    ...(fields.memo ? { memo: fields.memo } : {}),
    operations: fields.operations,
  }
  const hash = transactionHash(networkId, tx)
  const signature = await signer.sign(hash)
  const bytes = TransactionEnvelopeType.encode({
    tx,
    signatures: [{ publicKey: signer.publicKey, signature }],
  })
  return { bytes, hash, tx }
}
