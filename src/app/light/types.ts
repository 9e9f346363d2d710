/** The light client's public types (docs/light-client.md): its configuration, snapshot and answers. */
import type { Ed25519 } from '../../core/crypto/ed25519.js'
import type {
  DayEntry,
  LedgerHeader,
  Params,
  PayoutRecord,
  TransactionResult,
} from '../../core/ledger/index.js'
import type { TrustExplanation } from '../../core/light/index.js'
import type { QuorumSet } from '../../core/scp/types.js'
import type { LoggerFactory } from '../../net/log.js'
import type { VerifiedStore } from './store.js'
import type { TransportFactory } from './transport.js'

export interface LightClientInit {
  networkId: Uint8Array
  networkPassphrase: string
  /** libp2p multiaddrs of relays (ws/wss, ending in /p2p/<id>). */
  relays: string[]
  /** Allow ws:// and loopback/private addresses (a devnet on loopback). */
  allowInsecureLocal?: boolean
  /** The user's trusted quorum set; default: PageRank (trust.ts) over what relays report. */
  trusted?: QuorumSet
  /**
   * Validators where the PageRank walk restarts (trust.ts): the app's configuration (`validators` in
   * /config.json, served with the code itself). Default: the validators the relays say they run.
   */
  seeds?: string[]
  /** IndexedDB in the browser (idb-store.ts; the default there), memory elsewhere. */
  storage?: VerifiedStore
  ed25519?: Ed25519
  /** The network (default: the libp2p browser node, libp2p-transport.ts). */
  transport?: TransportFactory
  /** How often relays are asked for their newest certified header. @default 5000 */
  pollIntervalMs?: number
  /** A newest accepted header older than this (by its close time) raises 'stale'. @default 60000 */
  staleAfterMs?: number
  /** Deadline of one request to one relay. @default 8000 */
  requestTimeoutMs?: number
  /** Clock in ms (tests). @default Date.now */
  now?: () => number
  log?: LoggerFactory
}

export type AlarmKind = 'disagreement' | 'forged' | 'no-quorum' | 'unreachable' | 'stale'
export type Alarm = { kind: AlarmKind; message: string; relays: string[]; at: number }

export interface VerifiedHeader {
  seq: bigint
  hash: Uint8Array
  closeTime: bigint
  day: bigint
  /** The trusted validators whose signatures certify it. */
  signers: string[]
  header: LedgerHeader
}

export interface RelayStatus {
  addr: string
  peerId: string
  connected: boolean
  /** The relay's live ledger (its certified view trails it by one). */
  latestSeq?: bigint
  /** The validator the relay says it runs. */
  nodeId?: string
  lastError?: string
}

export interface LightSnapshot {
  online: boolean
  relays: RelayStatus[]
  trusted: {
    quorumSet: QuorumSet
    chosenBy: 'pagerank' | 'user'
    ranking: { id: string; score: number }[]
    /** How the PageRank choice was made (absent for a user's set, or before any choice). */
    explanation?: TrustExplanation
  }
  /** Newest certified header accepted. */
  latest?: VerifiedHeader
  /** The last ~30 accepted headers, oldest first, for a chart. */
  closeTimes: { seq: bigint; closeTime: bigint }[]
  /** Event alarms (forged, disagreement) stay until clearAlarms(); conditions go when they end. */
  alarms: Alarm[]
  /** Submissions queued while offline. */
  pending: number
  /** What happened to queued submissions once sent (newest last, at most 20). */
  flushed: {
    hash: string
    status: 'pending' | 'duplicate' | 'rejected'
    code?: string
    reason?: string
    at: number
  }[]
}

export interface DayInfo {
  day: bigint
  beacon: Uint8Array
  /** Unix seconds when the day ends: genesisTime + (day + 1) × dayLength. */
  endsAt: bigint
  startsAt: bigint
  puzzle: { memoryKiB: number; checkInDifficulty: number; createAccountDifficulty: number }
  /** The network parameters in force. */
  params: Params
  /** Accounts that ever checked in: N in the day's reward rate r(N) (PRODUCT §4.4), from the pools entry. */
  everCheckedIn: bigint
  dayEntry: DayEntry
  header: VerifiedHeader
  fromCache: boolean
}

export interface SubmitResult {
  status: 'pending' | 'duplicate' | 'queued' | 'rejected'
  hash: Uint8Array
  code?: string
  reason?: string
}

export interface TxStatus {
  status: 'pending' | 'applied' | 'failed' | 'unknown'
  result?: TransactionResult
  ledger?: bigint
  /** True when the result was checked by an inclusion proof against a certified header. */
  verified: boolean
  fromCache?: boolean
  /** Queued locally, not yet sent to any relay. */
  queued?: boolean
  /** A relay answered that the header is applied but it is not certified yet: ask again shortly. */
  claimedApplied?: boolean
  /** A queued submission was refused when it was finally sent. */
  rejected?: { code: string; reason: string }
}

export interface PayslipResult {
  record: PayoutRecord
  dayEntry: DayEntry
  header: VerifiedHeader
  fromCache?: boolean
}
