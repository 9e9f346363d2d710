/**
 * Issue 5 benchmarks: sustained payments per second on a 4-validator devnet (real processes, SQLite,
 * libp2p, HTTP submission) with 1-second and 5-second ledgers, against the single-node apply rate
 * measured in the same run; ledger close-interval percentiles under that load; catch-up speed.
 * (WebSocket connections per relay: net.bench.ts.)
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { type DevnetInfo, prepareDevnet, spawnValidator, waitNode } from '../../relay/src/devnet.js'
import { toBase64 } from '../../src/core/codec/bytes.js'
import { networkIdOf } from '../../src/core/codec/signing.js'
import { inlineBatchVerifier } from '../../src/core/crypto/batch.js'
import { accountAddress, validatorId } from '../../src/core/crypto/strkey.js'
import {
  closeLedger,
  createGenesisState,
  type LedgerValue,
  parseGenesis,
  prepare,
  runChecks,
  type Transaction,
  TransactionEnvelopeType,
  transactionChecks,
  transactionHash,
  txSetHash,
} from '../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../src/platform/argon2.js'
import { type Bench, fmt, percentiles } from './lib.js'

const ACCOUNTS = 1500

function accountsFor(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const seed = new Uint8Array(32)
    new DataView(seed.buffer).setUint32(0, i + 1)
    seed[31] = 0x33
    const pk = nodeEd25519.publicKeySync(seed)
    return { seed, pk, address: accountAddress(pk), seq: 0n }
  })
}

/** Payments applied per second by closeLedger alone (checks done beforehand): the limit. */
async function singleNodeApplyRate(): Promise<number> {
  const accounts = accountsFor(1000)
  const cfg = parseGenesis({
    networkPassphrase: 'Watt relay bench',
    genesisTime: 1_767_225_600,
    validators: [{ id: validatorId(nodeEd25519.publicKeySync(new Uint8Array(32).fill(1))), name: 'v' }],
    teamAccount: accountAddress(new Uint8Array(32).fill(9)),
    allocations: accounts.map((a) => ({ account: a.address, amount: '100' })),
  })
  const state = createGenesisState(cfg)
  const networkId = networkIdOf(cfg.networkPassphrase)
  let total = 0
  let ms = 0
  for (let round = 0; round < 5; round++) {
    const txs = accounts.map((a, i) => sign(networkId, a, accounts[(i + 1) % accounts.length]!.pk))
    const passed = await runChecks(
      txs.flatMap((t) => transactionChecks(state, networkId, t)),
      { verifier: inlineBatchVerifier(nodeEd25519), argon2id: wasmArgon2id },
    )
    const prepared = txs
      .map((t) => prepare(networkId, t))
      .sort((x, y) => Buffer.compare(Buffer.from(x.hash), Buffer.from(y.hash)))
    const set = {
      v: 1 as const,
      previousLedgerHash: state.headerHash,
      txs: prepared.map((p) => p.envelope),
      attestations: [],
    }
    const value: LedgerValue = {
      v: 1,
      txSetHash: txSetHash(set),
      closeTime: state.header.value.closeTime + 5n,
      previousLedgerHash: state.headerHash,
      upgrades: [],
    }
    const t = performance.now()
    closeLedger(state, value, set, { networkId, passed })
    ms += performance.now() - t
    total += txs.length
  }
  return (total * 1000) / ms
}

function sign(networkId: Uint8Array, a: { seed: Uint8Array; pk: Uint8Array; seq: bigint }, to: Uint8Array) {
  a.seq += 1n
  const tx: Transaction = {
    v: 1,
    source: a.pk,
    seq: a.seq,
    fee: 1n,
    operations: [{ type: 'payment', destination: to, amount: 1_000n }],
  }
  return {
    tx,
    signatures: [
      { publicKey: a.pk, signature: nodeEd25519.signSync(a.seed, transactionHash(networkId, tx)) },
    ],
  }
}

async function status(url: string): Promise<{ seq: bigint }> {
  const r = (await (await fetch(`${url}/v1/status`)).json()) as { ledger: { seq: string } }
  return { seq: BigInt(r.ledger.seq) }
}

interface LoadResult {
  applied: number
  seconds: number
  intervals: number[]
  submitted: number
  rejected: number
}

/** Offer more payments than the network can take for `seconds`, and count what the ledgers applied. */
async function load(info: DevnetInfo, seconds: number): Promise<LoadResult> {
  const networkId = networkIdOf(info.network)
  const accounts = accountsFor(ACCOUNTS)
  const urls = info.nodes.map((n) => n.http)
  const startSeq = (await status(urls[0]!)).seq
  const stop = Date.now() + seconds * 1000
  let submitted = 0
  let rejected = 0
  // Watch ledger closes on one validator, every 100 ms.
  const seen: number[] = []
  let last = startSeq
  const watcher = (async () => {
    while (Date.now() < stop) {
      const s = (await status(urls[0]!)).seq
      if (s > last) {
        for (let i = last; i < s; i++) seen.push(Date.now())
        last = s
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  let next = 0
  const worker = async () => {
    while (Date.now() < stop) {
      const a = accounts[next++ % accounts.length]!
      const env = sign(networkId, a, accounts[(next * 7) % accounts.length]!.pk)
      const body = JSON.stringify({ tx: toBase64(TransactionEnvelopeType.encode(env)) })
      try {
        const r = await fetch(`${urls[next % urls.length]!}/v1/transactions`, { method: 'POST', body })
        submitted++
        if (r.status >= 400) {
          rejected++
          const e = (await r.json()) as { error: { code: string } }
          if (e.error.code === 'tx_bad_seq' || e.error.code === 'too_many_pending') {
            const acc = (await (await fetch(`${urls[0]}/v1/accounts/${a.address}`)).json()) as { seq: string }
            a.seq = BigInt(acc.seq)
          } else a.seq -= 1n
        } else await r.arrayBuffer()
      } catch {
        a.seq -= 1n
      }
    }
  }
  await Promise.all(Array.from({ length: 48 }, worker))
  await watcher
  const endSeq = (await status(urls[0]!)).seq
  let applied = 0
  for (let s = startSeq + 1n; s <= endSeq; s++) {
    const l = (await (await fetch(`${urls[0]}/v1/ledgers/${s}`)).json()) as { txCount: number }
    applied += l.txCount
  }
  const intervals = seen.slice(1).map((t, i) => t - seen[i]!)
  return { applied, seconds, intervals, submitted, rejected }
}

async function devnet(
  closeTimeMs: number,
  validators: number,
  fn: (info: DevnetInfo, procs: ChildProcess[]) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'watt-bench-'))
  const accounts = accountsFor(ACCOUNTS)
  const info = await prepareDevnet({
    validators,
    dir,
    closeTimeMs,
    dayLength: 3600,
    fresh: true,
    verbose: false,
    basePort: 0,
    host: '127.0.0.1',
    allocations: accounts.map((a) => ({ account: a.address, amount: '1000' })),
    httpRateLimit: 100_000,
  })
  const procs = info.nodes.map((n) => spawnValidator(n, false))
  try {
    await Promise.all(info.nodes.map((n) => waitNode(n)))
    await new Promise((r) => setTimeout(r, 3000))
    await fn(info, procs)
  } finally {
    for (const p of procs) p.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

export default async function (b: Bench): Promise<void> {
  b.section('relay-throughput', 'Relay: sustained payments on a devnet')
  const limit = await singleNodeApplyRate()
  const rows: Record<string, string>[] = []
  let catchUp = ''
  for (const [validators, closeTimeMs] of [
    [4, 1000],
    [4, 5000],
    [1, 1000],
  ] as const) {
    await devnet(closeTimeMs, validators, async (info, procs) => {
      const r = await load(info, closeTimeMs === 1000 ? 30 : 40)
      const perSec = r.applied / r.seconds
      const p = percentiles(r.intervals)
      rows.push({
        validators: String(validators),
        ledgers: `${closeTimeMs / 1000} s`,
        'payments/s applied': fmt(perSec, 0),
        'vs single-node apply rate': `${fmt(perSec / limit, 3)}×`,
        'close interval p50 / p90 / p99 (ms)': `${fmt(p.p50 ?? 0)} / ${fmt(p.p90 ?? 0)} / ${fmt(p.p99 ?? 0)}`,
        'offered (HTTP submissions)': `${fmt(r.submitted)} (${fmt(r.rejected)} refused)`,
      })
      if (closeTimeMs === 1000 && validators === 4) {
        // Catch-up: stop one validator, let the others close ledgers under load, restart it.
        procs[3]!.kill('SIGKILL')
        await load(info, 20)
        const target = (await status(info.nodes[0]!.http)).seq
        procs[3] = spawnValidator(info.nodes[3]!, false)
        await waitNode(info.nodes[3]!)
        // From the moment the restarted node answers (its process is up and its ledger restored).
        const t0 = Date.now()
        const from = (await status(info.nodes[3]!.http)).seq
        while ((await status(info.nodes[3]!.http)).seq < target) await new Promise((r) => setTimeout(r, 50))
        const secs = (Date.now() - t0) / 1000
        catchUp = `Catch-up: a validator stopped for 20 s under load, restarted at ledger ${from}, replayed to ${target} (${target - from} ledgers with their transactions, each checked against a quorum certificate) in ${fmt(secs, 1)} s once its process was up: ${fmt(Number(target - from) / secs, 1)} ledgers/s.`
      }
    })
  }
  b.table(rows)
  b.note(
    `Single-node apply rate measured in the same run (closeLedger of 1,000 one-payment transactions, checks done beforehand): ${fmt(limit)} payments/s. ` +
      `The devnet runs 4 validator processes, a load generator (${ACCOUNTS} accounts, 48 HTTP submissions in flight) and the watcher on this machine's 2 cores, ` +
      'so every validator verifies every signature and applies every ledger while sharing the CPU four ways: the ratio says how much of one core’s apply rate the whole network sustains. ' +
      'The 1-validator row (a 1-of-1 quorum) shows one node’s pipeline (HTTP, checks, SCP, apply, SQLite) with the same load generator.',
  )
  b.note(catchUp)
}
