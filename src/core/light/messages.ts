/**
 * The light-client protocol: what a phone asks a relay and what it gets back, over libp2p (`light`
 * request/response) — the HTTP API serves the same data as JSON. Every answer that matters comes with
 * what the phone needs to check it itself: a certified header (header bytes + the signed EXTERNALIZE
 * envelopes of the next slot) and a Merkle proof against that header.
 */
import {
  bytes,
  enumeration,
  hash32,
  type Infer,
  list,
  messageType,
  optional,
  struct,
  text,
  u32,
  u64,
  union,
  version,
} from '../codec/index.js'
import { Payslip } from '../ledger/payouts.js'
import { EntryKey } from '../ledger/types.js'
import { MerkleProofType } from '../merkle/list.js'
import { SmtProofType } from '../merkle/smt.js'
import { MAX_ENVELOPE_BYTES } from '../scp/codec.js'

const publicKey = hash32

/**
 * Keys in one `entries` request. Four keep the worst case inside the `light` protocol's 512 KiB
 * response limit: 4 × (64 KiB entry + 8.8 KiB proof) + a 40 KiB header + a certificate of ~250
 * validators. A check-in needs two (params and the day), a wallet screen three (plus its account).
 */
export const MAX_ENTRY_KEYS = 4
const envelopeBytes = bytes(1, MAX_ENVELOPE_BYTES)

/** A header and the signed EXTERNALIZE envelopes (of the next slot) that certify it. */
export const CertifiedHeader = struct('CertifiedHeader', {
  header: bytes(1, 40 * 1024),
  certificate: list(envelopeBytes, 256),
})
export type CertifiedHeader = Infer<typeof CertifiedHeader>

export const LightRequest = union('LightRequest', {
  status: [1, struct('StatusRequest', {})],
  ledger: [2, struct('LedgerRequest', { seq: u64 })],
  account: [3, struct('AccountRequest', { id: publicKey })],
  tx: [4, struct('TxRequest', { hash: hash32 })],
  submit: [5, struct('SubmitRequest', { tx: bytes(1, 16 * 1024) })],
  payslip: [6, struct('PayslipRequest', { account: publicKey, day: u64 })],
  validators: [7, struct('ValidatorsRequest', {})],
  /** Any state entries (params, pools, a day, accounts, validators) with proofs, as of one certified header. */
  entries: [8, struct('EntriesRequest', { keys: list(EntryKey, MAX_ENTRY_KEYS, 1) })],
})
export type LightRequest = Infer<typeof LightRequest>
export const LightRequestType = messageType(
  'LightRequest',
  struct('LightRequestEnvelope', { v: version(1), request: LightRequest }),
  17 * 1024,
)

export const TX_STATUSES = ['pending', 'applied', 'unknown'] as const
export const SUBMIT_STATUSES = ['pending', 'duplicate', 'rejected'] as const

export const LightResponse = union('LightResponse', {
  status: [
    1,
    struct('StatusResponse', {
      networkPassphrase: text(128),
      nodeId: text(64),
      latestSeq: u64,
      synced: enumeration('Synced', ['no', 'yes'] as const),
      certified: optional(CertifiedHeader),
    }),
  ],
  ledger: [2, struct('LedgerResponse', { certified: CertifiedHeader })],
  account: [
    3,
    struct('AccountResponse', {
      certified: CertifiedHeader,
      entry: optional(bytes(1, 64 * 1024)),
      proof: SmtProofType.codec,
    }),
  ],
  tx: [
    4,
    struct('TxResponse', {
      status: enumeration('TxStatus', TX_STATUSES),
      certified: optional(CertifiedHeader),
      index: optional(u32),
      result: optional(bytes(1, 1024)),
      proof: optional(MerkleProofType.codec),
    }),
  ],
  submit: [
    5,
    struct('SubmitResponse', {
      status: enumeration('SubmitStatus', SUBMIT_STATUSES),
      code: text(64),
      reason: text(512),
      hash: optional(hash32),
    }),
  ],
  payslip: [
    6,
    struct('PayslipResponse', {
      certified: CertifiedHeader,
      day: bytes(1, 64 * 1024),
      dayProof: SmtProofType.codec,
      payslip: optional(Payslip),
    }),
  ],
  validators: [
    7,
    struct('ValidatorsResponse', {
      validators: list(struct('KnownValidator', { id: text(64), quorumSet: bytes(1, 84 * 1024) }), 1000),
    }),
  ],
  entries: [
    8,
    struct('EntriesResponse', {
      certified: CertifiedHeader,
      /** One per requested key, in order: the entry (absent when the proof shows it does not exist) and its proof. */
      entries: list(
        struct('ProvenEntry', { entry: optional(bytes(1, 64 * 1024)), proof: SmtProofType.codec }),
        MAX_ENTRY_KEYS,
      ),
    }),
  ],
  error: [15, struct('ErrorResponse', { code: text(64), message: text(512) })],
})
export type LightResponse = Infer<typeof LightResponse>
export const LightResponseType = messageType(
  'LightResponse',
  struct('LightResponseEnvelope', { v: version(1), response: LightResponse }),
  4 * 1024 * 1024,
)
