/**
 * The slice of the light client (src/app/light, built separately) that the app's models use, written
 * as types so the shell can be bundled and painted without it: the client, libp2p included, is
 * loaded with a dynamic import after first paint (net/load-light.ts). The shapes follow the
 * LightClient API of src/app/light/index.ts.
 */
import type { Ed25519 } from '../../core/crypto/ed25519.js'
import type { PayoutRecord } from '../../core/ledger/payouts.js'
import type { Account, DayEntry, LedgerHeader, TransactionResult } from '../../core/ledger/types.js'
import type { QuorumSet } from '../../core/scp/types.js'

export type { Account, DayEntry, LedgerHeader, PayoutRecord, QuorumSet, TransactionResult }

export interface CallOptions {
  signal?: AbortSignal
}

export interface LightClientInit {
  networkId: Uint8Array
  networkPassphrase: string
  relays: string[]
  allowInsecureLocal?: boolean
  trusted?: QuorumSet
  /** Validators where the PageRank walk restarts: `validators` from /config.json. */
  seeds?: string[]
  ed25519?: Ed25519
  /** How often relays are asked for their newest certified header (ms). */
  pollIntervalMs?: number
}

export type AlarmKind = 'disagreement' | 'forged' | 'no-quorum' | 'unreachable' | 'stale'

export interface Alarm {
  kind: AlarmKind
  message: string
  relays: string[]
  at: number
}

export interface VerifiedHeader {
  seq: bigint
  hash: Uint8Array
  closeTime: bigint
  day: bigint
  signers: string[]
  header: LedgerHeader
}

export interface RelayState {
  addr: string
  peerId: string
  connected: boolean
  latestSeq?: bigint
  lastError?: string
}

export interface LightSnapshot {
  online: boolean
  relays: RelayState[]
  trusted: {
    quorumSet: QuorumSet
    chosenBy: 'pagerank' | 'user'
    ranking: { id: string; score: number }[]
    /** How the PageRank choice was made, for people (absent for a set the user chose). */
    explanation?: {
      summary: string
      validators: {
        id: string
        score: number
        chosen: boolean
        trustedBy: { id: string; weight: number }[]
      }[]
    }
  }
  latest?: VerifiedHeader
  closeTimes: { seq: bigint; closeTime: bigint }[]
  alarms: Alarm[]
  pending: number
}

export interface AccountAnswer {
  account: Account | undefined
  header: VerifiedHeader
  fromCache: boolean
}

export interface DayInfo {
  day: bigint
  beacon: Uint8Array
  endsAt: bigint
  puzzle: { memoryKiB: number; checkInDifficulty: number; createAccountDifficulty: number }
  header: VerifiedHeader
  /** The network parameters in force (maxOpsPerLedger for the fee suggestion). */
  params?: { maxOpsPerLedger: number; dayLength: bigint }
  /** N in r(N), if the client knows it (PRODUCT §4.4): makes the reward estimate exact. */
  everCheckedIn?: bigint
  fromCache?: boolean
}

export type SubmitStatus = 'pending' | 'duplicate' | 'queued' | 'rejected'

export interface SubmitAnswer {
  status: SubmitStatus
  hash: Uint8Array
  code?: string
  reason?: string
}

export interface TxStatusAnswer {
  status: 'pending' | 'applied' | 'failed' | 'unknown'
  result?: TransactionResult
  ledger?: bigint
  verified: boolean
  /** Queued on this device, not yet sent to any relay. */
  queued?: boolean
  /** A queued submission was refused when it was finally sent. */
  rejected?: { code: string; reason: string }
}

export interface PayslipAnswer {
  record: PayoutRecord
  dayEntry: DayEntry
  header: VerifiedHeader
}

/** What the app needs of a light client. */
export interface LightLike {
  start(o?: CallOptions): Promise<void>
  stop(): Promise<void>
  snapshot(): LightSnapshot
  subscribe(fn: (s: LightSnapshot) => void): () => void
  account(address: string, o?: CallOptions): Promise<AccountAnswer>
  day(o?: CallOptions): Promise<DayInfo>
  submit(tx: Uint8Array, o?: CallOptions): Promise<SubmitAnswer>
  txStatus(hash: Uint8Array, o?: CallOptions): Promise<TxStatusAnswer>
  payslip(address: string, day: bigint, o?: CallOptions): Promise<PayslipAnswer | undefined>
  setTrusted(q: QuorumSet | undefined): void
  /** Forget event alarms (forged, disagreement) the person has seen; conditions stay while they last. */
  clearAlarms?(): void
}
