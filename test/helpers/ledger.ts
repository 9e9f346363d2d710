/**
 * A test network for the ledger: deterministic keys, a genesis, signed transactions, real checks
 * (node:crypto signatures, hash-wasm Argon2id) and ledger closes at chosen close times.
 */
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { networkIdOf } from '../../src/core/codec/index.js'
import { inlineBatchVerifier } from '../../src/core/crypto/batch.js'
import { accountAddress, validatorId } from '../../src/core/crypto/strkey.js'
import {
  buildTransactionSet,
  type CloseResult,
  checkInChallenge,
  closeLedger,
  createAccountChallenge,
  createGenesisState,
  type GenesisConfig,
  type LedgerEnv,
  type LedgerState,
  type LedgerValue,
  type Operation,
  parseGenesis,
  payoutLine,
  prepare,
  runChecks,
  solvePuzzle,
  type TransactionEnvelope,
  type TransactionSet,
  transactionChecks,
  transactionHash,
  txSetHash,
  validatorLinkMessage,
  watt,
} from '../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../src/platform/argon2.js'

export interface Key {
  seed: Uint8Array
  publicKey: Uint8Array
  address: string
}

export function key(n: number): Key {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, n + 1)
  seed[31] = 0x77
  const publicKey = nodeEd25519.publicKeySync(seed)
  return { seed, publicKey, address: accountAddress(publicKey) }
}

export const GENESIS_TIME = 1_767_225_600
export const PASSPHRASE = 'Watt test network ; 2026'
export const networkId = networkIdOf(PASSPHRASE)

export function genesisConfig(
  overrides: Partial<{
    dayLength: number
    allocations: { n: number; amount: string }[]
    maxOps: number
    sweep: number
  }> = {},
): GenesisConfig {
  return parseGenesis({
    networkPassphrase: PASSPHRASE,
    genesisTime: GENESIS_TIME,
    params: {
      dayLength: overrides.dayLength ?? 100,
      checkInDifficulty: 1,
      createAccountDifficulty: 2,
      puzzleMemoryKiB: 8,
      maxOpsPerLedger: overrides.maxOps ?? 1000,
      payoutSweepPerLedger: overrides.sweep ?? 2000,
    },
    validators: [{ id: validatorId(key(900).publicKey), name: 'v1' }],
    teamAccount: key(0).address,
    allocations: (
      overrides.allocations ?? [
        { n: 1, amount: '1000' },
        { n: 2, amount: '1000' },
      ]
    ).map((a) => ({ account: key(a.n).address, amount: a.amount })),
  })
}

export class TestLedger {
  readonly state: LedgerState
  closeTime: bigint
  readonly seqs = new Map<string, bigint>()
  lastClose: CloseResult | undefined

  constructor(readonly config: GenesisConfig = genesisConfig()) {
    this.state = createGenesisState(config)
    this.closeTime = BigInt(config.genesisTime)
  }

  get dayLength(): bigint {
    return this.state.params().dayLength
  }

  nextSeq(k: Key): bigint {
    const a = this.state.account(k.publicKey)
    const local = this.seqs.get(k.address)
    const next = (local ?? a?.seq ?? 0n) + 1n
    this.seqs.set(k.address, next)
    return next
  }

  sign(
    k: Key,
    operations: Operation[],
    opts: {
      fee?: bigint
      seq?: bigint
      signer?: Key
      memo?: string
      timeBounds?: { minTime: bigint; maxTime: bigint }
    } = {},
  ): TransactionEnvelope {
    const tx = {
      v: 1 as const,
      source: k.publicKey,
      seq: opts.seq ?? this.nextSeq(k),
      fee: opts.fee ?? 0n,
      ...(opts.memo ? { memo: opts.memo } : {}),
      ...(opts.timeBounds ? { timeBounds: opts.timeBounds } : {}),
      operations,
    }
    const s = opts.signer ?? k
    return {
      tx,
      signatures: [
        { publicKey: s.publicKey, signature: nodeEd25519.signSync(s.seed, transactionHash(networkId, tx)) },
      ],
    }
  }

  dayAt(t: bigint): bigint {
    return (t - BigInt(this.config.genesisTime)) / this.dayLength
  }

  /** The day the next ledger (at `closeTime + step`) will be in. */
  async checkInOp(k: Key, step = 1n): Promise<Operation> {
    const day = this.dayAt(this.closeTime + step)
    const beacon = this.state.day(day)?.beacon ?? this.state.headerHash
    const challenge = checkInChallenge(networkId, k.publicKey, day, beacon)
    const { nonce } = await solvePuzzle(wasmArgon2id, challenge, { memoryKiB: 8, difficultyBits: 1 })
    return { type: 'checkIn', day, nonce }
  }

  async createAccountOp(k: Key, referrer?: Key): Promise<Operation> {
    const day = this.dayAt(this.closeTime + 1n)
    const beacon = this.state.day(day)?.beacon ?? this.state.headerHash
    const challenge = createAccountChallenge(networkId, k.publicKey, day, beacon)
    const { nonce } = await solvePuzzle(wasmArgon2id, challenge, { memoryKiB: 8, difficultyBits: 2 })
    return { type: 'createAccount', day, nonce, ...(referrer ? { referrer: referrer.publicKey } : {}) }
  }

  async createAccount(k: Key, referrer?: Key): Promise<TransactionEnvelope> {
    return this.sign(k, [await this.createAccountOp(k, referrer)], { seq: 1n })
  }

  linkValidatorOp(account: Key, validator: Key): Operation {
    return {
      type: 'linkValidator',
      validator: validator.publicKey,
      validatorSignature: nodeEd25519.signSync(
        validator.seed,
        validatorLinkMessage(networkId, account.publicKey, validator.publicKey),
      ),
    }
  }

  env(closeTime: bigint, passed: Set<string>): LedgerEnv {
    const params = this.state.params()
    return {
      ctx: { networkId, passed },
      ledgerSeq: this.state.header.seq + 1n,
      closeTime,
      day: (closeTime - params.genesisTime) / params.dayLength,
      payoutOf: (d, i) => payoutLine(this.state.payoutTables.get(d), i),
    }
  }

  async checks(txs: readonly TransactionEnvelope[]): Promise<Set<string>> {
    const all = txs.flatMap((t) => transactionChecks(this.state, networkId, t))
    return runChecks(all, { verifier: inlineBatchVerifier(nodeEd25519), argon2id: wasmArgon2id })
  }

  /** Close a ledger with exactly these transactions (in a canonical set), `step` seconds later. */
  async close(
    txs: readonly TransactionEnvelope[] = [],
    step = 1n,
    extra: { upgrades?: LedgerValue['upgrades']; attestations?: TransactionSet['attestations'] } = {},
  ): Promise<CloseResult> {
    const passed = await this.checks(txs)
    const closeTime = this.closeTime + step
    const prepared = txs
      .map((t) => prepare(networkId, t))
      .sort((a, b) => {
        for (let i = 0; i < 32; i++) if (a.hash[i] !== b.hash[i]) return a.hash[i]! - b.hash[i]!
        return 0
      })
    const set: TransactionSet = {
      v: 1,
      previousLedgerHash: this.state.headerHash,
      txs: prepared.map((p) => p.envelope),
      attestations: extra.attestations ?? [],
    }
    const value: LedgerValue = {
      v: 1,
      txSetHash: txSetHash(set),
      closeTime,
      previousLedgerHash: this.state.headerHash,
      upgrades: extra.upgrades ?? [],
    }
    const r = closeLedger(this.state, value, set, { networkId, passed, checkInvariants: true })
    this.closeTime = closeTime
    this.lastClose = r
    this.seqs.clear()
    return r
  }

  /** Build a set from candidates with surge pricing, then close it. */
  async closeBuilt(candidates: readonly TransactionEnvelope[], step = 1n) {
    const passed = await this.checks(candidates)
    const built = buildTransactionSet(
      this.state,
      candidates.map((c) => prepare(networkId, c)),
      this.env(this.closeTime + step, passed),
      this.state.headerHash,
    )
    const r = await this.close(built.set.txs, step)
    return { ...r, built }
  }

  balance(k: Key): bigint | undefined {
    return this.state.account(k.publicKey)?.balance
  }

  /** Advance to the first ledger of the next mining day (closing the current one). */
  async closeDayNow(txs: readonly TransactionEnvelope[] = []): Promise<CloseResult> {
    const params = this.state.params()
    const nextDayStart = params.genesisTime + (this.state.header.day + 1n) * params.dayLength
    return this.close(txs, nextDayStart - this.closeTime)
  }
}

export { watt }
