/**
 * The ledger's wire and state types, as canonical-codec schemas (docs/protocol.md §Ledger types).
 * Tags of unions and values of enumerations are fixed forever: add at the end, never renumber.
 */
import {
  bool,
  boundedBigInt,
  bytes,
  enumeration,
  hash32,
  type Infer,
  list,
  messageType,
  optional,
  struct,
  text,
  u8,
  u32,
  u64,
  union,
  version,
} from '../codec/index.js'
import { MAX_AMOUNT } from './amounts.js'

/** An Ed25519 public key: the identity of an account or a validator. */
export const publicKey = hash32
/** An amount in base units, 0..supply cap: an overflow is a decoding error. */
export const amount = boundedBigInt('amount', 0n, MAX_AMOUNT)
/** An amount that must be positive (payments). */
export const positiveAmount = boundedBigInt('positive amount', 1n, MAX_AMOUNT)

// ---------------------------------------------------------------------------------------------
// Operations (one file each under ops/)

export const MAX_CIRCLE = 5
export const MAX_OPS_PER_TX = 100
export const MAX_SIGNATURES = 20

export const Operation = union('Operation', {
  createAccount: [1, struct('CreateAccount', { referrer: optional(publicKey), day: u64, nonce: u64 })],
  payment: [2, struct('Payment', { destination: publicKey, amount: positiveAmount })],
  checkIn: [3, struct('CheckIn', { day: u64, nonce: u64 })],
  setSecurityCircle: [4, struct('SetSecurityCircle', { members: list(publicKey, MAX_CIRCLE) })],
  linkValidator: [5, struct('LinkValidator', { validator: publicKey, validatorSignature: bytes(64) })],
  setSigner: [6, struct('SetSigner', { signer: publicKey })],
})
export type Operation = Infer<typeof Operation>
export type OperationType = Operation['type']
export type OpOf<T extends OperationType> = Extract<Operation, { type: T }>

export const TimeBounds = struct('TimeBounds', { minTime: u64, maxTime: u64 })

export const Transaction = struct('Transaction', {
  v: version(1),
  source: publicKey,
  seq: u64,
  fee: amount,
  timeBounds: optional(TimeBounds),
  memo: optional(text(64)),
  operations: list(Operation, MAX_OPS_PER_TX, 1),
})
export type Transaction = Infer<typeof Transaction>
export const TransactionType = messageType('Transaction', Transaction, 15 * 1024)

export const DecoratedSignature = struct('DecoratedSignature', { publicKey, signature: bytes(64) })
export type DecoratedSignature = Infer<typeof DecoratedSignature>

export const TransactionEnvelope = struct('TransactionEnvelope', {
  tx: Transaction,
  signatures: list(DecoratedSignature, MAX_SIGNATURES, 1),
})
export type TransactionEnvelope = Infer<typeof TransactionEnvelope>
/** Limit for a submitted transaction (docs/limits.md). */
export const MAX_TX_BYTES = 16 * 1024
export const TransactionEnvelopeType = messageType('TransactionEnvelope', TransactionEnvelope, MAX_TX_BYTES)

// ---------------------------------------------------------------------------------------------
// Consensus value, transaction sets, upgrades

/** Network parameters that an SCP upgrade may change (docs/protocol.md §Parameters). */
export const PARAM_NAMES = [
  'maxOpsPerLedger',
  'protocolVersion',
  'checkInDifficulty',
  'createAccountDifficulty',
  'puzzleMemoryKiB',
  'payoutSweepPerLedger',
  'closeTimeDriftSeconds',
] as const
export type ParamName = (typeof PARAM_NAMES)[number]
export const ParamNameCodec = enumeration('ParamName', PARAM_NAMES)

export const Upgrade = struct('Upgrade', { param: ParamNameCodec, value: u64 })
export type Upgrade = Infer<typeof Upgrade>

/**
 * A validator's EXTERNALIZE for the previous slot, compactly: the statement is rebuilt from these
 * fields and the previous ledger's value, then its signature checked. The transaction set of slot N
 * carries the attestations of slot N−1 its proposer holds: they count towards the node bonus
 * (PRODUCT §4.4). They travel in the set, not the SCP value, so values stay ~100 bytes.
 */
export const Attestation = struct('Attestation', {
  validator: publicKey,
  commitCounter: u32,
  nH: u32,
  quorumSetHash: hash32,
  signature: bytes(64),
})
export type Attestation = Infer<typeof Attestation>

export const MAX_ATTESTATIONS = 256
export const MAX_UPGRADES = PARAM_NAMES.length

export const LedgerValue = struct('LedgerValue', {
  v: version(1),
  txSetHash: hash32,
  closeTime: u64,
  previousLedgerHash: hash32,
  upgrades: list(Upgrade, MAX_UPGRADES),
})
export type LedgerValue = Infer<typeof LedgerValue>
export const LedgerValueType = messageType('LedgerValue', LedgerValue, 512)

/** Hard cap on transactions in one set, whatever maxOpsPerLedger says (decoding limit). */
export const MAX_TXS_PER_SET = 10_000
export const TransactionSet = struct('TransactionSet', {
  v: version(1),
  previousLedgerHash: hash32,
  txs: list(TransactionEnvelope, MAX_TXS_PER_SET),
  attestations: list(Attestation, MAX_ATTESTATIONS),
})
export type TransactionSet = Infer<typeof TransactionSet>
export const TransactionSetType = messageType('TransactionSet', TransactionSet, 24 * 1024 * 1024)

// ---------------------------------------------------------------------------------------------
// Results

export const TX_CODES = [
  'tx_success',
  'tx_failed',
  'tx_bad_seq',
  'tx_bad_auth',
  'tx_no_account',
  'tx_insufficient_balance',
  'tx_too_early',
  'tx_too_late',
  'tx_malformed',
  'tx_too_many_ops',
  'tx_bad_auth_extra',
] as const
export type TxCode = (typeof TX_CODES)[number]

export const OP_CODES = [
  'op_success',
  'op_not_applied',
  'op_malformed',
  'op_underfunded',
  'op_no_destination',
  'op_line_full',
  'op_already_exists',
  'op_bad_puzzle',
  'op_wrong_day',
  'op_already_checked_in',
  'op_no_referrer',
  'op_circle_self',
  'op_circle_duplicate',
  'op_circle_unknown_member',
  'op_validator_taken',
  'op_bad_validator_signature',
  'op_self_payment',
  'op_not_sole_operation',
] as const
export type OpCode = (typeof OP_CODES)[number]

export const TransactionResult = struct('TransactionResult', {
  txHash: hash32,
  code: enumeration('TxCode', TX_CODES),
  feeCharged: amount,
  opResults: list(enumeration('OpCode', OP_CODES), MAX_OPS_PER_TX),
})
export type TransactionResult = Infer<typeof TransactionResult>
export const TransactionResultType = messageType('TransactionResult', TransactionResult, 1024)

// ---------------------------------------------------------------------------------------------
// Ledger header

export const LedgerHeader = struct('LedgerHeader', {
  v: version(1),
  protocolVersion: u32,
  seq: u64,
  previousHash: hash32,
  value: LedgerValue,
  txSetHash: hash32,
  resultsRoot: hash32,
  stateRoot: hash32,
  totalCoins: amount,
  feePool: amount,
  day: u64,
  /** Root of the payout table of the mining day this ledger closed, if it closed one. */
  payoutRoot: optional(hash32),
  txCount: u32,
  opCount: u32,
})
export type LedgerHeader = Infer<typeof LedgerHeader>
export const LedgerHeaderType = messageType('LedgerHeader', LedgerHeader, 40 * 1024)

// ---------------------------------------------------------------------------------------------
// State entries (the leaves of the state tree)

export const EntryKey = union('EntryKey', {
  account: [1, struct('AccountKey', { id: publicKey })],
  params: [2, struct('ParamsKey', {})],
  pools: [3, struct('PoolsKey', {})],
  day: [4, struct('DayKey', { day: u64 })],
  validator: [5, struct('ValidatorKey', { id: publicKey })],
})
export type EntryKey = Infer<typeof EntryKey>
export const EntryKeyType = messageType('EntryKey', EntryKey, 128)

export const CheckInSummary = struct('CheckInSummary', {
  total: u32,
  /** The last mining day this account checked in, if ever. */
  lastDay: optional(u64),
  /** Consecutive days up to lastDay. */
  streak: u32,
})

export const Account = struct('Account', {
  v: version(1),
  /** Dense creation-order index: fixes the order of payout tables. */
  index: u32,
  balance: amount,
  seq: u64,
  /** The key that signs for this account (starts as the account id; setSigner rotates it). */
  signer: publicKey,
  createdLedger: u64,
  referrer: optional(publicKey),
  circle: list(publicKey, MAX_CIRCLE),
  linkedValidator: optional(publicKey),
  checkIns: CheckInSummary,
  /** A closed mining day whose payout is not yet credited to `balance` (at most one; see daily.ts). */
  unsettledDay: optional(u64),
  /** WATT locked by pledges (storage mining; PRODUCT §4.5). */
  locked: amount,
})
export type Account = Infer<typeof Account>

export const Params = struct('Params', {
  v: version(1),
  networkPassphrase: text(128),
  genesisTime: u64,
  dayLength: u64,
  maxOpsPerLedger: u32,
  protocolVersion: u32,
  checkInDifficulty: u8,
  createAccountDifficulty: u8,
  puzzleMemoryKiB: u32,
  payoutSweepPerLedger: u32,
  closeTimeDriftSeconds: u32,
  teamAccount: publicKey,
  teamVestingDays: u32,
})
export type Params = Infer<typeof Params>

export const Pools = struct('Pools', {
  v: version(1),
  /** Phase-1 free distribution pool (PRODUCT §4.4): 6 billion WATT at genesis minus allocations. */
  phase1: amount,
  /** Pledge and storage mining pool (PRODUCT §4.5): 13 billion WATT. */
  mining: amount,
  /** Team reserve not yet released (1 billion WATT over teamVestingDays). */
  teamLocked: amount,
  teamTotal: amount,
  /** Fees collected and not yet paid out to the day's miners. */
  feePool: amount,
  /** Payouts of closed days not yet credited to balances (see daily.ts). */
  pendingPayouts: amount,
  /** Coins in circulation at genesis (allocations + fee pool). */
  genesisCirculating: amount,
  minted: amount,
  burned: amount,
  /** Accounts that have ever checked in: N in r(N). */
  everCheckedIn: u64,
  accountCount: u32,
})
export type Pools = Infer<typeof Pools>

export const DayEntry = struct('DayEntry', {
  v: version(1),
  day: u64,
  /** Hash of the last ledger header before the day began: binds check-in puzzles to the day. */
  beacon: hash32,
  firstLedger: u64,
  ledgers: u32,
  checkIns: u32,
  closed: bool,
  totalPoints: u64,
  rewardPerPoint: amount,
  feePerPoint: amount,
  minted: amount,
  feesPaid: amount,
  teamReleased: amount,
  payoutRoot: optional(hash32),
  payoutCount: u32,
  /** How many payout records the background sweep has settled so far (daily.ts). */
  sweepNext: u32,
  /** Attestations counted per validator for this day (for the node bonus), sorted by key. */
  validatorSignatures: list(struct('ValidatorCount', { validator: publicKey, count: u32 }), MAX_ATTESTATIONS),
})
export type DayEntry = Infer<typeof DayEntry>

export const ValidatorEntry = struct('ValidatorEntry', { v: version(1), account: publicKey })
export type ValidatorEntry = Infer<typeof ValidatorEntry>

export const Entry = union('Entry', {
  account: [1, Account],
  params: [2, Params],
  pools: [3, Pools],
  day: [4, DayEntry],
  validator: [5, ValidatorEntry],
})
export type Entry = Infer<typeof Entry>
export const EntryType = messageType('Entry', Entry, 64 * 1024)
