/**
 * Genesis: the genesis file format, its validation, and the state of ledger 1 (PRODUCT §4.4 Genesis).
 *
 * The supply cap (20 billion WATT) is fully allocated at genesis: 5% to a team reserve released
 * linearly over `teamVestingDays` mining days, 30% to the phase-1 free-distribution pool, 65% to the
 * pledge and storage mining pool. `allocations` (test accounts, a devnet faucet) are taken out of the
 * phase-1 pool, so the cap holds exactly.
 *
 * A genesis file is JSON:
 * ```json
 * { "networkPassphrase": "Watt Devnet", "genesisTime": 1767225600,
 *   "params": { "dayLength": 300 },
 *   "validators": [{ "id": "V…", "name": "v1" }],
 *   "teamAccount": "W…",
 *   "allocations": [{ "account": "W…", "amount": "1000" }] }
 * ```
 * Every field is checked; an error names the field and says what is wrong (`GenesisError`).
 */
import { utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { networkIdOf } from '../codec/signing.js'
import { parseAccountAddress, parseValidatorId } from '../crypto/strkey.js'
import { merkleRoot } from '../merkle/list.js'
import { parseWatt, SUPPLY_CAP, UNITS_PER_WATT } from './amounts.js'
import { commit, headerHash, newDay } from './close.js'
import { LedgerState, Txn } from './state.js'
import { txSetHash } from './txset.js'
import type { LedgerHeader, Params } from './types.js'

export class GenesisError extends Error {
  override readonly name = 'GenesisError'
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`genesis ${field}: ${problem}`)
  }
}

export const TEAM_SHARE = 1_000_000_000n * UNITS_PER_WATT
export const PHASE1_SHARE = 6_000_000_000n * UNITS_PER_WATT
export const MINING_SHARE = 13_000_000_000n * UNITS_PER_WATT

/** Tunable parameters and their defaults (mainnet values; a devnet overrides dayLength and difficulty). */
export const DEFAULT_PARAMS = {
  /** One mining day, seconds (PRODUCT §4.4). */
  dayLength: 86_400,
  /** Operations per ledger (PRODUCT §4.3). */
  maxOpsPerLedger: 1000,
  /** Check-in puzzle: 2^bits Argon2id attempts on average (see BENCHMARKS.md, puzzle). */
  checkInDifficulty: 7,
  /** Account-creation puzzle: 8× the check-in work (done once per account). */
  createAccountDifficulty: 10,
  /** Argon2id memory per attempt, KiB. */
  puzzleMemoryKiB: 1024,
  /** Payout lines credited in the background per ledger (daily.ts). */
  payoutSweepPerLedger: 2000,
  /** How far ahead of a validator's clock a close time may be (stellar-core MAX_TIME_SLIP_SECONDS = 60). */
  closeTimeDriftSeconds: 60,
  /** Team reserve vesting, mining days (4 years). */
  teamVestingDays: 1461,
} as const
export type GenesisParams = { -readonly [K in keyof typeof DEFAULT_PARAMS]: number }

export interface GenesisConfig {
  networkPassphrase: string
  genesisTime: number
  params: GenesisParams
  validators: { id: string; name: string }[]
  teamAccount: string
  allocations: { account: string; amount: bigint }[]
}

const PARAM_LIMITS: Record<keyof GenesisParams, readonly [number, number]> = {
  dayLength: [10, 7 * 86_400],
  maxOpsPerLedger: [1, 10_000],
  checkInDifficulty: [0, 24],
  createAccountDifficulty: [0, 28],
  puzzleMemoryKiB: [8, 65_536],
  payoutSweepPerLedger: [1, 1_000_000],
  closeTimeDriftSeconds: [5, 600],
  teamVestingDays: [1, 36_500],
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function knownKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj))
    if (!allowed.includes(k)) throw new GenesisError(where ? `${where}.${k}` : k, 'unknown field')
}

/** Validate a parsed genesis JSON document. Throws GenesisError naming the first bad field. */
export function parseGenesis(doc: unknown): GenesisConfig {
  if (!isRecord(doc)) throw new GenesisError('(root)', 'expected a JSON object')
  knownKeys(
    doc,
    ['networkPassphrase', 'genesisTime', 'params', 'validators', 'teamAccount', 'allocations'],
    '',
  )
  const passphrase = doc.networkPassphrase
  if (typeof passphrase !== 'string' || passphrase.length < 1 || utf8(passphrase).length > 128) {
    throw new GenesisError('networkPassphrase', 'expected a non-empty string of at most 128 bytes')
  }
  const time = doc.genesisTime
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new GenesisError('genesisTime', 'expected a Unix time in whole seconds')
  }
  const params: GenesisParams = { ...DEFAULT_PARAMS }
  if (doc.params !== undefined) {
    if (!isRecord(doc.params)) throw new GenesisError('params', 'expected an object')
    knownKeys(doc.params, Object.keys(DEFAULT_PARAMS), 'params')
    for (const [k, v] of Object.entries(doc.params)) {
      const [lo, hi] = PARAM_LIMITS[k as keyof GenesisParams]
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
        throw new GenesisError(`params.${k}`, `expected an integer in ${lo}..${hi}, got ${JSON.stringify(v)}`)
      }
      params[k as keyof GenesisParams] = v
    }
  }
  if (!Array.isArray(doc.validators) || doc.validators.length === 0) {
    throw new GenesisError('validators', 'expected a non-empty list of { id, name }')
  }
  const seen = new Set<string>()
  const validators = doc.validators.map((v, i) => {
    const where = `validators[${i}]`
    if (!isRecord(v)) throw new GenesisError(where, 'expected { id, name }')
    knownKeys(v, ['id', 'name'], where)
    if (typeof v.id !== 'string') throw new GenesisError(`${where}.id`, 'expected a validator id (V…)')
    try {
      parseValidatorId(v.id)
    } catch (err) {
      throw new GenesisError(`${where}.id`, (err as Error).message)
    }
    if (seen.has(v.id)) throw new GenesisError(`${where}.id`, 'listed twice')
    seen.add(v.id)
    const name = v.name ?? `validator-${i + 1}`
    if (typeof name !== 'string' || name.length > 64)
      throw new GenesisError(`${where}.name`, 'expected a string of at most 64 characters')
    return { id: v.id, name }
  })
  if (typeof doc.teamAccount !== 'string')
    throw new GenesisError('teamAccount', 'expected an account address (W…)')
  try {
    parseAccountAddress(doc.teamAccount)
  } catch (err) {
    throw new GenesisError('teamAccount', (err as Error).message)
  }
  const allocations: GenesisConfig['allocations'] = []
  const allocated = new Set<string>([doc.teamAccount])
  if (doc.allocations !== undefined) {
    if (!Array.isArray(doc.allocations))
      throw new GenesisError('allocations', 'expected a list of { account, amount }')
    let total = 0n
    doc.allocations.forEach((a, i) => {
      const where = `allocations[${i}]`
      if (!isRecord(a)) throw new GenesisError(where, 'expected { account, amount }')
      knownKeys(a, ['account', 'amount'], where)
      if (typeof a.account !== 'string')
        throw new GenesisError(`${where}.account`, 'expected an account address (W…)')
      try {
        parseAccountAddress(a.account)
      } catch (err) {
        throw new GenesisError(`${where}.account`, (err as Error).message)
      }
      if (allocated.has(a.account))
        throw new GenesisError(`${where}.account`, 'already allocated (or the team account)')
      allocated.add(a.account)
      let amount: bigint
      try {
        amount = parseWatt(String(a.amount))
      } catch {
        throw new GenesisError(
          `${where}.amount`,
          `expected a decimal WATT amount as a string, like "1000" or "0.5", got ${JSON.stringify(a.amount)}`,
        )
      }
      if (amount <= 0n) throw new GenesisError(`${where}.amount`, 'expected a positive amount')
      total += amount
      if (total > PHASE1_SHARE)
        throw new GenesisError(`${where}.amount`, 'allocations exceed the phase-1 pool (6 billion WATT)')
      allocations.push({ account: a.account, amount })
    })
  }
  return {
    networkPassphrase: passphrase,
    genesisTime: time,
    params,
    validators,
    teamAccount: doc.teamAccount,
    allocations,
  }
}

/** The beacon of day 0: there is no ledger before genesis, so derive it from the network id. */
export function genesisBeacon(networkId: Uint8Array): Uint8Array {
  return sha256(new Uint8Array([...utf8('watt/beacon/genesis'), ...networkId]))
}

/** Build the state of ledger 1 from a validated genesis config. */
export function createGenesisState(
  config: GenesisConfig,
  options: { hasher?: (b: Uint8Array) => Uint8Array } = {},
): LedgerState {
  const networkId = networkIdOf(config.networkPassphrase)
  const state = new LedgerState(options)
  const txn = new Txn(state)
  const team = parseAccountAddress(config.teamAccount)
  const params: Params = {
    v: 1,
    networkPassphrase: config.networkPassphrase,
    genesisTime: BigInt(config.genesisTime),
    dayLength: BigInt(config.params.dayLength),
    maxOpsPerLedger: config.params.maxOpsPerLedger,
    protocolVersion: 1,
    checkInDifficulty: config.params.checkInDifficulty,
    createAccountDifficulty: config.params.createAccountDifficulty,
    puzzleMemoryKiB: config.params.puzzleMemoryKiB,
    payoutSweepPerLedger: config.params.payoutSweepPerLedger,
    closeTimeDriftSeconds: config.params.closeTimeDriftSeconds,
    teamAccount: team,
    teamVestingDays: config.params.teamVestingDays,
  }
  txn.putParams(params)
  const account = (index: number, id: Uint8Array, balance: bigint) =>
    txn.putAccount(id, {
      v: 1,
      index,
      balance,
      seq: 0n,
      signer: id,
      createdLedger: 1n,
      circle: [],
      checkIns: { total: 0, streak: 0 },
      locked: 0n,
    })
  account(0, team, 0n)
  let allocated = 0n
  config.allocations.forEach((a, i) => {
    account(i + 1, parseAccountAddress(a.account), a.amount)
    allocated += a.amount
  })
  txn.putPools({
    v: 1,
    phase1: PHASE1_SHARE - allocated,
    mining: MINING_SHARE,
    teamLocked: TEAM_SHARE,
    teamTotal: TEAM_SHARE,
    feePool: 0n,
    pendingPayouts: 0n,
    genesisCirculating: allocated,
    minted: 0n,
    burned: 0n,
    everCheckedIn: 0n,
    accountCount: config.allocations.length + 1,
  })
  txn.putDay(newDay(0n, genesisBeacon(networkId), 1n))
  const day0 = txn.day(0n)!
  txn.putDay({ ...day0, ledgers: 1 })
  commit(state, txn, 1n, new Map())
  if (PHASE1_SHARE + MINING_SHARE + TEAM_SHARE !== SUPPLY_CAP)
    throw new Error('genesis: shares do not add up to the cap')

  const zero = new Uint8Array(32)
  const emptySet = { v: 1 as const, previousLedgerHash: zero, txs: [], attestations: [] }
  const header: LedgerHeader = {
    v: 1,
    protocolVersion: 1,
    seq: 1n,
    previousHash: zero,
    value: {
      v: 1,
      txSetHash: txSetHash(emptySet),
      closeTime: BigInt(config.genesisTime),
      previousLedgerHash: zero,
      upgrades: [],
    },
    txSetHash: txSetHash(emptySet),
    resultsRoot: merkleRoot([]),
    stateRoot: state.tree.root(),
    totalCoins: allocated,
    feePool: 0n,
    day: 0n,
    txCount: 0,
    opCount: 0,
  }
  state.header = header
  state.headerHash = headerHash(header)
  return state
}
