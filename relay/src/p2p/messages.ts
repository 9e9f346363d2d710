/** Wire messages of the validator-to-validator request protocols (ledger, txset, qset, scpstate, push). */
import { bytes, hash32, list, messageType, struct, u64, version } from '../../../src/core/codec/index.js'
import { LedgerHeaderType, MAX_TX_BYTES, TransactionSetType } from '../../../src/core/ledger/index.js'
import { MAX_ENVELOPE_BYTES } from '../../../src/core/scp/index.js'

export const SeqRequest = messageType('SeqRequest', struct('SeqRequest', { v: version(1), seq: u64 }), 64)
export const HashRequest = messageType(
  'HashRequest',
  struct('HashRequest', { v: version(1), hash: hash32 }),
  64,
)
export const SlotRequest = messageType('SlotRequest', struct('SlotRequest', { v: version(1), slot: u64 }), 64)

const envelopes = list(bytes(1, MAX_ENVELOPE_BYTES), 1000)

/** A closed ledger for catch-up: its header and the EXTERNALIZE envelopes of its slot (the set goes by `txset`). */
export const LedgerBundleMessage = messageType(
  'LedgerBundle',
  struct('LedgerBundle', {
    v: version(1),
    header: bytes(1, LedgerHeaderType.maxBytes),
    externalizes: envelopes,
  }),
  1024 * 1024,
)

export const ScpStateMessage = messageType(
  'ScpState',
  struct('ScpState', { v: version(1), envelopes }),
  1024 * 1024,
)

export const TxSetBytesLimit = TransactionSetType.maxBytes

/** Largest push request (PROTOCOL_LIMITS.push.maxRequestBytes); senders split what they resend to fit. */
export const PUSH_MAX_BYTES = 1024 * 1024

/** SCP envelopes and transactions resent to one peer outside gossip (the `push` protocol). */
export const PushMessage = messageType(
  'Push',
  struct('Push', {
    v: version(1),
    envelopes: list(bytes(1, MAX_ENVELOPE_BYTES), 64),
    txs: list(bytes(1, MAX_TX_BYTES), 256),
  }),
  PUSH_MAX_BYTES,
)
