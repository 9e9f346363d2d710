/**
 * The relay issue's multi-process tests: real validator processes on loopback, each with its own
 * SQLite database, talking libp2p; transactions over HTTP and the CLI; a SIGKILL mid-ledger and a
 * validator that joins a day late, both catching up to the same ledger hashes; bad input and floods.
 */
import { type ChildProcess, execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toBase64 } from '../../../src/core/codec/bytes.js'
import { api, Wallet, waitForTx } from '../../src/cli/wallet.js'
import { nodeEd25519 } from '../../src/crypto/ed25519-node.js'
import {
  type DevnetInfo,
  freePort,
  prepareDevnet,
  spawnValidator,
  waitHttp,
  waitNode,
} from '../../src/devnet.js'
import { readSeedFile, writeSeedFile } from '../../src/keys.js'

const BIN = fileURLToPath(new URL('../../bin/watt-relay.js', import.meta.url))
const run = promisify(execFile)
const DAY = 20

let dir: string
let info: DevnetInfo
const procs: (ChildProcess | undefined)[] = []

const seqOf = async (i: number) =>
  BigInt((await api<{ ledger: { seq: string } }>(info.nodes[i]!.http, '/v1/status')).ledger.seq)
const hashAt = async (i: number, seq: bigint) =>
  (await api<{ hash: string }>(info.nodes[i]!.http, `/v1/ledgers/${seq}`)).hash

async function until(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now()
  for (;;) {
    try {
      if (await cond()) return
    } catch {
      // a node restarting: keep polling
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

function start(i: number): void {
  procs[i] = spawnValidator(info.nodes[i]!, false)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'watt-devnet-'))
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
  // Three of four start now (threshold 3); the fourth joins a day late.
  for (const i of [0, 1, 2]) start(i)
  await Promise.all([0, 1, 2].map((i) => waitNode(info.nodes[i]!)))
}, 120_000)

afterAll(async () => {
  for (const p of procs) p?.kill('SIGKILL')
  if (process.env.WATT_KEEP_DEVNET) process.stderr.write(`devnet kept in ${dir}\n`)
  else rmSync(dir, { recursive: true, force: true })
})

describe('a devnet of validator processes', () => {
  it('closes ledgers with the same hashes on every validator', async () => {
    await until(
      async () => (await seqOf(0)) >= 5n && (await seqOf(1)) >= 5n && (await seqOf(2)) >= 5n,
      60_000,
      'ledger 5',
    )
    const hashes = await Promise.all([0, 1, 2].map((i) => hashAt(i, 4n)))
    expect(new Set(hashes).size).toBe(1)
  }, 90_000)

  it('applies payments and check-ins submitted over HTTP and over the CLI', async () => {
    const faucet = new Wallet(info.nodes[0]!.http, readSeedFile(info.faucetKeyFile))
    const aliceKey = join(dir, 'alice.key')
    const alice = new Wallet(info.nodes[1]!.http, writeSeedFile(aliceKey))
    const created = await alice.createAccount()
    expect((await waitForTx(info.nodes[1]!.http, created.hash)).result).toMatchObject({ code: 'tx_success' })
    const paid = await faucet.submit([{ type: 'payment', destination: alice.publicKey, amount: 50_000_000n }])
    expect((await waitForTx(info.nodes[0]!.http, paid.hash)).result).toMatchObject({ code: 'tx_success' })
    // Check in twice within one mining day: start with at least 12 s of the day left.
    await alice.dayWithAtLeast(12)
    const checked = await alice.checkIn()
    expect((await waitForTx(info.nodes[2]!.http, checked.hash)).result).toMatchObject({ code: 'tx_success' })

    // The CLI wallet: pay back 1 WATT, then check the balance it reports.
    const cli = await run(process.execPath, [
      BIN,
      'pay',
      '--key',
      aliceKey,
      '--node',
      info.nodes[2]!.http,
      '--to',
      faucet.address,
      '--amount',
      '1',
    ])
    expect(cli.stdout).toMatch(/payment of 1 WATT: applied in ledger \d+/)
    const bal = await run(process.execPath, [BIN, 'balance', alice.address, '--node', info.nodes[0]!.http])
    // 5 − 1 WATT, plus the check-in's payout if the (20-second) mining day has closed meanwhile.
    const shown = Number(/balance {3}([\d.]+) WATT/.exec(bal.stdout)?.[1])
    expect(shown).toBeGreaterThanOrEqual(4)
    const again = await run(process.execPath, [
      BIN,
      'checkin',
      '--key',
      aliceKey,
      '--node',
      info.nodes[0]!.http,
    ]).catch((e) => e as { stderr: string; code: number })
    expect((again as { code: number }).code).toBe(1)
    expect((again as { stderr: string }).stderr).toMatch(/op_already_checked_in/)
  }, 120_000)

  it('refuses malformed, oversized, badly signed and flooding requests and stays healthy', async () => {
    const url = info.nodes[0]!.http
    const post = (body: string) =>
      fetch(`${url}/v1/transactions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
    const notJson = await post('{not json')
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).error.code).toBe('bad_json')
    const badB64 = await post(JSON.stringify({ tx: '***' }))
    expect((await badB64.json()).error.code).toBe('bad_base64')
    const garbage = await post(JSON.stringify({ tx: toBase64(new Uint8Array([0x82, 1, 2])) }))
    expect(garbage.status).toBe(400)
    expect((await garbage.json()).error.code).toBe('tx_malformed')
    const big = await post(JSON.stringify({ tx: 'A'.repeat(100_000) }))
    expect(big.status).toBe(413)
    // A well-formed transaction with a wrong signature.
    const w = new Wallet(url, readSeedFile(info.faucetKeyFile))
    const forged = await fetch(`${url}/v1/accounts/${w.address}`).then((r) => r.json())
    expect(forged.address).toBe(w.address)
    const badAddr = await fetch(`${url}/v1/accounts/WNOTANADDRESS`)
    expect(badAddr.status).toBe(400)
    expect((await fetch(`${url}/v1/ledgers/abc`)).status).toBe(400)
    expect((await fetch(`${url}/v1/nope`)).status).toBe(404)
    // A flood: beyond 50 requests/s per client the node answers 429.
    const codes = await Promise.all(
      Array.from({ length: 300 }, () => fetch(`${url}/v1/status`).then((r) => r.status)),
    )
    expect(codes).toContain(429)
    await new Promise((r) => setTimeout(r, 1500))
    expect((await fetch(`${url}/v1/status`)).status).toBe(200)
    const s0 = await seqOf(0)
    await until(async () => (await seqOf(0)) > s0 + 2n, 30_000, 'still closing after the flood')
  }, 60_000)

  it('a validator started a day late catches up to the same ledger hashes', async () => {
    await until(
      async () =>
        BigInt((await api<{ ledger: { day: string } }>(info.nodes[0]!.http, '/v1/status')).ledger.day) >= 1n,
      60_000,
      'day 1',
    )
    start(3)
    await waitNode(info.nodes[3]!)
    const target = await seqOf(0)
    await until(async () => (await seqOf(3)) >= target, 60_000, `v3 reaching ledger ${target}`)
    expect(await hashAt(3, target)).toBe(await hashAt(0, target))
  }, 120_000)

  it('a validator killed with SIGKILL mid-ledger restarts with its ledgers intact and catches up', async () => {
    const before = await seqOf(1)
    procs[1]!.kill('SIGKILL')
    await new Promise((r) => procs[1]!.once('exit', r))
    const s = await seqOf(0)
    await until(async () => (await seqOf(0)) >= s + 4n, 30_000, 'three validators keep closing')
    start(1)
    await waitNode(info.nodes[1]!)
    expect(await seqOf(1)).toBeGreaterThanOrEqual(before)
    const target = await seqOf(0)
    await until(async () => (await seqOf(1)) >= target, 60_000, 'v1 catching up')
    expect(await hashAt(1, target)).toBe(await hashAt(0, target))
    expect(await hashAt(1, before)).toBe(await hashAt(0, before))
  }, 120_000)
  it('with every validator down, a relay keeps the payment it was given and sends it once they are back', async () => {
    // A watcher relay (follows consensus, never votes), as phones attach to: a payment only it holds is
    // applied only if it reaches the validators.
    const wdir = join(dir, 'watcher')
    mkdirSync(wdir, { recursive: true })
    writeSeedFile(join(wdir, 'validator.key'))
    const base = JSON.parse(readFileSync(join(info.nodes[0]!.dir, 'config.json'), 'utf8'))
    const httpPort = await freePort('127.0.0.1')
    const config = {
      ...base,
      validator: false,
      genesis: join(dir, 'genesis.json'),
      p2p: { ...base.p2p, port: await freePort('127.0.0.1'), peers: info.nodes.map((n) => n.multiaddr) },
      http: { ...base.http, port: httpPort },
    }
    delete config.appDir
    writeFileSync(join(wdir, 'config.json'), JSON.stringify(config, null, 2))
    const watcher = { ...info.nodes[0]!, dir: wdir, http: `http://127.0.0.1:${httpPort}` }
    const wproc = spawnValidator(watcher, false)
    try {
      await waitHttp(watcher.http)
      await until(
        async () => {
          const [w, v] = await Promise.all([
            api<{ ledger: { seq: string } }>(watcher.http, '/v1/status'),
            seqOf(0),
          ])
          // Within a few ledgers: a relay that joins mid-slot follows by catch-up for a while.
          return BigInt(w.ledger.seq) + 3n >= v
        },
        60_000,
        'the watcher caught up',
      )
      // Every validator stops: the watcher has no peer left to gossip to.
      const stopping = [0, 1, 2, 3].map(
        (i) => new Promise((r) => (procs[i]!.exitCode !== null ? r(0) : procs[i]!.once('exit', r))),
      )
      for (const i of [0, 1, 2, 3]) procs[i]!.kill('SIGTERM')
      await Promise.all(stopping)
      const team = nodeEd25519.publicKeySync(readSeedFile(join(dir, 'team.key')))
      const faucet = new Wallet(watcher.http, readSeedFile(info.faucetKeyFile))
      const r = await faucet.submit([{ type: 'payment', destination: team, amount: 1_000_000n }])
      expect(r.status).toBe('pending')
      await new Promise((res) => setTimeout(res, 2_000))
      for (const i of [0, 1, 2, 3]) start(i)
      await Promise.all([0, 1, 2, 3].map((i) => waitNode(info.nodes[i]!)))
      const done = await waitForTx(info.nodes[0]!.http, r.hash, 60_000)
      expect(done.result.code).toBe('tx_success')
    } finally {
      wproc.kill('SIGKILL')
    }
  }, 180_000)
})
