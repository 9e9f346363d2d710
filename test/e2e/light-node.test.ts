/**
 * The light client in Node against a real devnet (four validator processes, 500 ms ledgers, a 10 s
 * mining day): it finds the network from /config.json, ranks the validators, and verifies a balance, an
 * account's creation and a payment (inclusion proofs), a check-in's payslip after the day closes — all
 * through libp2p — and catches a lying relay (test/e2e/helpers/lying-relay.ts) three ways while still
 * giving the honest relay's answer.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { type DevnetInfo, prepareDevnet, spawnValidator, waitNode } from '../../relay/src/devnet.js'
import { readSeedFile } from '../../relay/src/keys.js'
import { LightClient, type LightClientInit, memoryStore } from '../../src/app/light/index.js'
import { fromHex, toHex } from '../../src/core/codec/bytes.js'
import { accountAddress } from '../../src/core/crypto/strkey.js'
import {
  checkInChallenge,
  createAccountChallenge,
  type Operation,
  solvePuzzle,
  TransactionEnvelopeType,
  transactionHash,
  watt,
} from '../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../src/platform/argon2.js'
import { type LyingRelay, startLyingRelay } from './helpers/lying-relay.js'

const DAY = 10
let dir: string
let info: DevnetInfo
let procs: ChildProcess[] = []
let config: { network: string; networkId: string; relays: string[]; validators: string[] }
const clients: LightClient[] = []

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

async function startClient(extra: Partial<LightClientInit> = {}): Promise<LightClient> {
  const c = new LightClient({
    networkId: fromHex(config.networkId),
    networkPassphrase: config.network,
    relays: config.relays,
    seeds: config.validators,
    allowInsecureLocal: true,
    storage: memoryStore(),
    pollIntervalMs: 500,
    ...extra,
  })
  clients.push(c)
  await c.start()
  return c
}

/** A wallet that builds and signs locally and talks only to the light client. */
class Wallet {
  readonly publicKey: Uint8Array
  seq = 0n
  constructor(
    readonly client: LightClient,
    readonly seed: Uint8Array,
  ) {
    this.publicKey = nodeEd25519.publicKeySync(seed)
  }
  get address(): string {
    return accountAddress(this.publicKey)
  }
  sign(operations: Operation[], seq: bigint): Uint8Array {
    const tx = { v: 1 as const, source: this.publicKey, seq, fee: 0n, operations }
    const networkId = fromHex(config.networkId)
    const signature = nodeEd25519.signSync(this.seed, transactionHash(networkId, tx))
    return TransactionEnvelopeType.encode({ tx, signatures: [{ publicKey: this.publicKey, signature }] })
  }
  async submit(operations: Operation[]): Promise<Uint8Array> {
    const a = await this.client.account(this.address)
    const r = await this.client.submit(this.sign(operations, (a.account?.seq ?? 0n) + 1n))
    expect(r.status).toBe('pending')
    return r.hash
  }
  /** Wait until the transaction's result is verified by an inclusion proof. */
  async verified(hash: Uint8Array) {
    return until(
      async () => {
        const s = await this.client.txStatus(hash)
        return s.verified ? s : undefined
      },
      20_000,
      `transaction ${toHex(hash).slice(0, 12)} verified`,
    )
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'watt-light-node-'))
  info = await prepareDevnet({
    validators: 4,
    dir,
    closeTimeMs: 500,
    dayLength: DAY,
    fresh: true,
    verbose: false,
    basePort: 0,
    host: '127.0.0.1',
  })
  procs = info.nodes.map((n) => spawnValidator(n, false))
  await Promise.all(info.nodes.map((n) => waitNode(n)))
  config = await (await fetch(`${info.nodes[0]!.http}/config.json`)).json()
}, 120_000)

afterAll(async () => {
  for (const c of clients) await c.stop().catch(() => {})
  for (const p of procs) p.kill('SIGKILL')
  if (process.env.WATT_KEEP_DEVNET) process.stderr.write(`devnet kept in ${dir}\n`)
  else rmSync(dir, { recursive: true, force: true })
})

describe('the light client against a devnet of validator processes', () => {
  let client: LightClient
  let faucet: Wallet
  let alice: Wallet
  let checkInDay: bigint

  it('finds the network, ranks its 4 validators by PageRank and verifies the faucet’s balance', async () => {
    client = await startClient()
    faucet = new Wallet(client, readSeedFile(info.faucetKeyFile))
    const s = await until(
      async () => {
        if (client.snapshot().latest) return client.snapshot()
        await client.refresh()
        return undefined
      },
      30_000,
      'a certified header',
    )
    expect(s.relays.filter((r) => r.connected).length).toBeGreaterThanOrEqual(2)
    expect(s.trusted.chosenBy).toBe('pagerank')
    expect(s.trusted.quorumSet.threshold).toBe(3)
    expect(s.trusted.quorumSet.validators).toEqual(info.nodes.map((n) => n.validatorId).sort())
    expect(s.latest!.signers.length).toBeGreaterThanOrEqual(3)
    const a = await client.account(faucet.address)
    expect(a.fromCache).toBe(false)
    expect(a.account?.balance).toBe(watt(1_000_000))
    expect(client.snapshot().alarms).toEqual([])
  }, 60_000)

  it('creates an account and pays it; both verified by inclusion proofs, the balance by a state proof', async () => {
    alice = new Wallet(client, new Uint8Array(32).fill(0xa1))
    const d = await client.day()
    const netId = fromHex(config.networkId)
    const { nonce } = await solvePuzzle(
      wasmArgon2id,
      createAccountChallenge(netId, alice.publicKey, d.day, d.beacon),
      { memoryKiB: d.puzzle.memoryKiB, difficultyBits: d.puzzle.createAccountDifficulty },
    )
    const created = await client.submit(alice.sign([{ type: 'createAccount', day: d.day, nonce }], 1n))
    expect(created.status).toBe('pending')
    expect((await alice.verified(created.hash)).result?.code).toBe('tx_success')

    const paid = await faucet.submit([{ type: 'payment', destination: alice.publicKey, amount: watt(50) }])
    const st = await faucet.verified(paid)
    expect(st).toMatchObject({ status: 'applied', verified: true })
    const bal = await until(
      async () => {
        const a = await client.account(alice.address)
        return a.header.seq >= st.ledger! ? a : undefined
      },
      10_000,
      'the payment in the certified state',
    )
    expect(bal.account?.balance).toBe(watt(50))
    expect(client.snapshot().alarms).toEqual([])
  }, 60_000)

  it('checks in with the day’s verified beacon and puzzle parameters', async () => {
    // Leave at least 5 s of the day for the check-in to land in it.
    const d = await until(
      async () => {
        const x = await client.day()
        return Number(x.endsAt) - Date.now() / 1000 >= 5 ? x : undefined
      },
      2 * DAY * 1000,
      'a day with 5 s left',
    )
    const { nonce } = await solvePuzzle(
      wasmArgon2id,
      checkInChallenge(fromHex(config.networkId), alice.publicKey, d.day, d.beacon),
      { memoryKiB: d.puzzle.memoryKiB, difficultyBits: d.puzzle.checkInDifficulty },
    )
    const hash = await alice.submit([{ type: 'checkIn', day: d.day, nonce }])
    expect((await alice.verified(hash)).result?.code).toBe('tx_success')
    checkInDay = d.day
  }, 60_000)

  describe('a lying relay in front of a real one', () => {
    let liar: LyingRelay
    let c: LightClient

    beforeAll(async () => {
      liar = await startLyingRelay({
        networkId: fromHex(config.networkId),
        upstream: info.nodes[0]!.multiaddr,
      })
      c = await startClient({ relays: [liar.addr, info.nodes[1]!.multiaddr] })
      await until(async () => c.snapshot().latest, 20_000, 'a certified header')
    })
    afterAll(async () => {
      await liar?.stop()
    })

    for (const [lie, message] of [
      ['balance', /account .* in ledger \d+: the state proof fails/],
      ['sybil-header', /differs from the certified/],
      ['state-root', /not the ledger the trusted validators signed/],
    ] as const) {
      it(`${lie}: raises 'forged' naming the liar and still gives the true balance`, async () => {
        c.clearAlarms()
        liar.lie = lie
        const truth = await client.account(alice.address)
        const a = await c.account(alice.address)
        expect(a.account?.balance).toBe(truth.account?.balance)
        expect(a.account?.balance).toBeLessThan(watt(1000))
        const forged = c.snapshot().alarms.filter((x) => x.kind === 'forged')
        expect(forged.length).toBeGreaterThanOrEqual(1)
        expect(forged.every((x) => x.relays.length === 1 && x.relays[0] === liar.addr)).toBe(true)
        expect(forged.some((x) => message.test(x.message))).toBe(true)
        expect(liar.forged.some((f) => f.lie === lie)).toBe(true)
        expect(c.snapshot().alarms.filter((x) => x.kind !== 'forged')).toEqual([])
      }, 30_000)
    }
  })

  it('verifies the check-in’s payslip against the payout root once the day has closed', async () => {
    const p = await until(() => client.payslip(alice.address, checkInDay), 3 * DAY * 1000, 'the payslip')
    expect(p.dayEntry.closed).toBe(true)
    expect(p.dayEntry.day).toBe(checkInDay)
    expect(toHex(p.record.account)).toBe(toHex(alice.publicKey))
    expect(p.record.points).toBe(20)
    expect(p.record.reward).toBeGreaterThan(0n)
    expect(p.header.day).toBeGreaterThan(checkInDay)
    expect(client.snapshot().alarms).toEqual([])
  }, 60_000)
})
