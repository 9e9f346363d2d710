/**
 * Content-addressed answers from peers are checked where they arrive: a transaction set or quorum
 * set must hash to what was asked for, a ledger bundle must decode. A peer that answers with anything
 * else is skipped and the next peer asked, so one lying or broken peer cannot stall a fetch.
 */
import { equalBytes } from '../../../src/core/codec/bytes.js'
import { LedgerHeaderType, TransactionSetType, txSetHash } from '../../../src/core/ledger/index.js'
import { QuorumSetMessage, quorumSetHash } from '../../../src/core/scp/index.js'

export function isTxSetFor(hash: Uint8Array, bytes: Uint8Array | undefined): bytes is Uint8Array {
  if (!bytes) return false
  const d = TransactionSetType.tryDecode(bytes)
  return d.ok && equalBytes(txSetHash(d.value), hash)
}

export function isQuorumSetFor(hash: Uint8Array, bytes: Uint8Array | undefined): bytes is Uint8Array {
  if (!bytes) return false
  const d = QuorumSetMessage.tryDecode(bytes)
  return d.ok && equalBytes(quorumSetHash(d.value), hash)
}

export function isHeaderOf(seq: bigint, bytes: Uint8Array | undefined): bytes is Uint8Array {
  if (!bytes) return false
  const d = LedgerHeaderType.tryDecode(bytes)
  return d.ok && d.value.seq === seq
}
