/**
 * The CLI wallet for scripts: builds and signs transactions locally (the secret never leaves the
 * machine) and submits them through a relay's HTTP API.
 */
import { randomBytes } from 'node:crypto'
import { fromHex, toBase64, toHex } from '../../../src/core/codec/bytes.js'
import { networkIdOf } from '../../../src/core/codec/signing.js'
import { accountAddress, parseAccountAddress } from '../../../src/core/crypto/strkey.js'
import {
  checkInChallenge,
  createAccountChallenge,
  type Operation,
  solvePuzzle,
  type Transaction,
  TransactionEnvelopeType,
  transactionHash,
} from '../../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../../src/platform/argon2.js'
import { nodeEd25519 } from '../crypto/ed25519-node.js'

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export async function api<T>(node: string, path: string, init: RequestInit = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch(new URL(path, node), {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    })
  } catch (err) {
    throw new ApiError(0, 'unreachable', `cannot reach ${node}: ${(err as Error).message}`)
  }
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  if (!res.ok) {
    const e = (body as { error?: { code: string; message: string } }).error
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? text.slice(0, 200))
  }
  return body as T
}

export interface StatusJson {
  network: string
  networkId: string
  ledger: { seq: string; hash: string; closeTime: string; day: string }
  synced: boolean
  reason: string | null
  day: { number: string; beacon: string; startsAt: string; endsAt: string }
  params: {
    puzzleMemoryKiB: number
    checkInDifficulty: number
    createAccountDifficulty: number
    dayLength: string
  }
  quorum: {
    missing: string[]
    disagree: string[]
    failAt: number
    canCloseLedgers: boolean
    members: { id: string; lastHeardMsAgo: number | null }[]
  }
  [k: string]: unknown
}

/** Seconds before the end of a mining day when a check-in waits for the next day. */
export const CHECKIN_SAFETY_SECONDS = 5

export class Wallet {
  readonly publicKey: Uint8Array
  constructor(
    readonly node: string,
    private readonly seed: Uint8Array,
  ) {
    this.publicKey = nodeEd25519.publicKeySync(seed)
  }

  get address(): string {
    return accountAddress(this.publicKey)
  }

  status(): Promise<StatusJson> {
    return api<StatusJson>(this.node, '/v1/status')
  }

  /**
   * The network status once the current mining day has at least `seconds` left: waits through the
   * end of the day and until a ledger of the next day has closed (the day number comes from ledgers).
   */
  async dayWithAtLeast(seconds: number): Promise<StatusJson> {
    for (;;) {
      const st = await this.status()
      const left = Number(st.day.endsAt) - Date.now() / 1000
      if (left >= seconds) return st
      await new Promise((r) => setTimeout(r, Math.max(300, (left + 0.3) * 1000)))
    }
  }

  async nextSeq(): Promise<bigint> {
    const a = await api<{ seq: string }>(this.node, `/v1/accounts/${this.address}`)
    return BigInt(a.seq) + 1n
  }

  async submit(
    operations: Operation[],
    opts: { fee?: bigint; memo?: string; seq?: bigint } = {},
  ): Promise<{ hash: string; status: string }> {
    const st = await this.status()
    const networkId = networkIdOf(st.network)
    const tx: Transaction = {
      v: 1,
      source: this.publicKey,
      seq: opts.seq ?? (await this.nextSeq()),
      fee: opts.fee ?? 0n,
      ...(opts.memo ? { memo: opts.memo } : {}),
      operations,
    }
    const signature = nodeEd25519.signSync(this.seed, transactionHash(networkId, tx))
    const bytes = TransactionEnvelopeType.encode({
      tx,
      signatures: [{ publicKey: this.publicKey, signature }],
    })
    return api(this.node, '/v1/transactions', {
      method: 'POST',
      body: JSON.stringify({ tx: toBase64(bytes) }),
    })
  }

  async createAccount(
    referrer?: string,
    onAttempt?: (n: number) => void,
  ): Promise<{ hash: string; status: string }> {
    const st = await this.status()
    const day = BigInt(st.day.number)
    const challenge = createAccountChallenge(
      networkIdOf(st.network),
      this.publicKey,
      day,
      fromHex(st.day.beacon),
    )
    const { nonce } = await solvePuzzle(
      wasmArgon2id,
      challenge,
      { memoryKiB: st.params.puzzleMemoryKiB, difficultyBits: st.params.createAccountDifficulty },
      { startNonce: BigInt(`0x${toHex(randomBytes(6))}`), ...(onAttempt ? { onAttempt } : {}) },
    )
    return this.submit(
      [
        {
          type: 'createAccount',
          day,
          nonce,
          ...(referrer ? { referrer: parseAccountAddress(referrer) } : {}),
        },
      ],
      { seq: 1n },
    )
  }

  async checkIn(onAttempt?: (n: number) => void): Promise<{ hash: string; status: string }> {
    // A check-in must land in a ledger of the day it was solved for (op_wrong_day otherwise): too
    // close to the end of the day, wait for the next one instead of racing midnight.
    const st = await this.dayWithAtLeast(CHECKIN_SAFETY_SECONDS)
    const day = BigInt(st.day.number)
    const challenge = checkInChallenge(networkIdOf(st.network), this.publicKey, day, fromHex(st.day.beacon))
    const { nonce } = await solvePuzzle(
      wasmArgon2id,
      challenge,
      { memoryKiB: st.params.puzzleMemoryKiB, difficultyBits: st.params.checkInDifficulty },
      { startNonce: BigInt(`0x${toHex(randomBytes(6))}`), ...(onAttempt ? { onAttempt } : {}) },
    )
    return this.submit([{ type: 'checkIn', day, nonce }])
  }
}

/** Wait until a transaction is applied (or failed); returns its JSON. */
export async function waitForTx(
  node: string,
  hash: string,
  timeoutMs = 30_000,
): Promise<{ status: string; result: { code: string; opResults: string[] }; ledger: string }> {
  const start = Date.now()
  for (;;) {
    try {
      const r = await api<{ status: string; result: { code: string; opResults: string[] }; ledger: string }>(
        node,
        `/v1/transactions/${hash}`,
      )
      if (r.status === 'applied' || r.status === 'failed') return r
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err
    }
    if (Date.now() - start > timeoutMs)
      throw new ApiError(0, 'timeout', `transaction ${hash} not applied after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
