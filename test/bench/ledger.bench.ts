/**
 * Issue 4 benchmarks: payment throughput against raw native signature verification, the state-root
 * update of a 1,000-operation ledger over a million accounts, the daily close with a million miners,
 * and the check-in puzzle.
 */
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { createRelaySha256 } from '../../relay/src/crypto/sha256.js'
import { createVerifyPool } from '../../relay/src/crypto/verify-pool.js'
import { networkIdOf } from '../../src/core/codec/index.js'
import { type BatchVerifier, inlineBatchVerifier } from '../../src/core/crypto/batch.js'
import { accountAddress, validatorId } from '../../src/core/crypto/strkey.js'
import {
  checkInChallenge,
  closeLedger,
  createGenesisState,
  DEFAULT_PARAMS,
  entryKeyHash,
  type LedgerState,
  type LedgerValue,
  parseGenesis,
  prepare,
  runChecks,
  solvePuzzle,
  type TransactionEnvelope,
  TransactionEnvelopeType,
  transactionChecks,
  transactionHash,
  txSetHash,
  verifyPuzzle,
} from '../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../src/platform/argon2.js'
import { type Bench, fmt, rate } from './lib.js'

const PASSPHRASE = 'Watt bench'
const networkId = networkIdOf(PASSPHRASE)
const mib = (n: number) => `${fmt(n / 1024 / 1024, 0)} MiB`

function seedOf(n: number): Uint8Array {
  const s = new Uint8Array(32)
  new DataView(s.buffer).setUint32(0, n + 1)
  s[31] = 0x42
  return s
}

/** A genesis with `signers` real keys (indexes 1..signers) and `filler` accounts with arbitrary ids. */
function bigState(
  signers: number,
  filler: number,
  hasher: (b: Uint8Array) => Uint8Array,
  dayLength = 86_400,
): { state: LedgerState; keys: { seed: Uint8Array; pk: Uint8Array }[] } {
  const keys = Array.from({ length: signers }, (_, i) => {
    const seed = seedOf(i)
    return { seed, pk: nodeEd25519.publicKeySync(seed) }
  })
  const fillerIds = Array.from({ length: filler }, (_, i) => {
    const id = new Uint8Array(32)
    new DataView(id.buffer).setUint32(0, i)
    id[4] = 0xf1
    return accountAddress(id)
  })
  const doc = {
    networkPassphrase: PASSPHRASE,
    genesisTime: 1_767_225_600,
    params: { dayLength },
    validators: [{ id: validatorId(new Uint8Array(32).fill(9)), name: 'v' }],
    teamAccount: accountAddress(new Uint8Array(32).fill(7)),
    allocations: [...keys.map((k) => accountAddress(k.pk)), ...fillerIds].map((account) => ({
      account,
      amount: '100',
    })),
  }
  return { state: createGenesisState(parseGenesis(doc), { hasher }), keys }
}

function payments(
  state: LedgerState,
  keys: { seed: Uint8Array; pk: Uint8Array }[],
  from: number,
  count: number,
): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const k = keys[(from + i) % keys.length]!
    const dest = keys[(from + i + 1) % keys.length]!
    const seq = state.account(k.pk)!.seq + 1n
    const tx = {
      v: 1 as const,
      source: k.pk,
      seq,
      fee: 100n,
      operations: [{ type: 'payment' as const, destination: dest.pk, amount: 1_000n }],
    }
    const env: TransactionEnvelope = {
      tx,
      signatures: [
        { publicKey: k.pk, signature: nodeEd25519.signSync(k.seed, transactionHash(networkId, tx)) },
      ],
    }
    out.push(TransactionEnvelopeType.encode(env))
  }
  return out
}

/** Decode, check and close one ledger of submitted transaction bytes; returns [verify ms, apply ms]. */
/** Close one ledger of decoded, already checked transactions. */
function applyChecked(state: LedgerState, txs: TransactionEnvelope[], passed: Set<string>, step = 5n): void {
  const prepared = txs
    .map((t) => prepare(networkId, t))
    .sort((a, b) => Buffer.compare(Buffer.from(a.hash), Buffer.from(b.hash)))
  const set = {
    v: 1 as const,
    previousLedgerHash: state.headerHash,
    txs: prepared.map((p) => p.envelope),
    attestations: [],
  }
  const value: LedgerValue = {
    v: 1,
    txSetHash: txSetHash(set),
    closeTime: state.header.value.closeTime + step,
    previousLedgerHash: state.headerHash,
    upgrades: [],
  }
  const r = closeLedger(state, value, set, { networkId, passed })
  if (r.results.some((x) => x.code !== 'tx_success')) throw new Error('bench: a payment failed')
}

async function ledgerOf(
  state: LedgerState,
  wire: Uint8Array[],
  verifier: BatchVerifier,
  step = 5n,
): Promise<[number, number]> {
  const t0 = performance.now()
  const txs = wire.map((b) => TransactionEnvelopeType.decode(b))
  const checks = txs.flatMap((t) => transactionChecks(state, networkId, t))
  const passed = await runChecks(checks, { verifier, argon2id: wasmArgon2id })
  const t1 = performance.now()
  applyChecked(state, txs, passed, step)
  return [t1 - t0, performance.now() - t1]
}

export default async function (b: Bench): Promise<void> {
  // The relay's SHA-256 (hash-wasm for small inputs, OpenSSL for bulk), as validators run the ledger.
  const hasher = await createRelaySha256()
  const seed = seedOf(0)
  const pk = nodeEd25519.publicKeySync(seed)
  const msg = new Uint8Array(32).fill(3)
  const sig = nodeEd25519.signSync(seed, msg)
  const raw = rate(() => nodeEd25519.verifySync(pk, msg, sig), 1500)
  // The same with a key seen for the first time (its import included), as for payments from many accounts.
  const fresh = Array.from({ length: 3000 }, (_, i) => {
    const s = seedOf(500_000 + i)
    const p = nodeEd25519.publicKeySync(s)
    return { p, sig: nodeEd25519.signSync(s, msg) }
  })
  let fi = 0
  const t0 = performance.now()
  for (const f of fresh) if (nodeEd25519.verifySync(f.p, msg, f.sig)) fi++
  const rawFresh = (fi * 1000) / (performance.now() - t0)

  // --- Puzzle -------------------------------------------------------------------------------
  b.section('ledger-puzzle', 'Ledger: the check-in puzzle')
  const params = {
    memoryKiB: DEFAULT_PARAMS.puzzleMemoryKiB,
    difficultyBits: DEFAULT_PARAMS.checkInDifficulty,
  }
  const solves: number[] = []
  const attempts: number[] = []
  for (let i = 0; i < 8; i++) {
    const challenge = checkInChallenge(networkId, seedOf(i), BigInt(i), new Uint8Array(32))
    const t = performance.now()
    const s = await solvePuzzle(wasmArgon2id, challenge, params)
    solves.push(performance.now() - t)
    attempts.push(s.attempts)
  }
  const challenge = checkInChallenge(networkId, seedOf(0), 0n, new Uint8Array(32))
  const sol = await solvePuzzle(wasmArgon2id, challenge, params)
  const tv = performance.now()
  for (let i = 0; i < 20; i++) await verifyPuzzle(wasmArgon2id, challenge, sol.nonce, params)
  const verifyMs = (performance.now() - tv) / 20
  const avgSolve = solves.reduce((a, x) => a + x, 0) / solves.length
  const avgAttempts = attempts.reduce((a, x) => a + x, 0) / attempts.length
  b.table([
    {
      measure: 'Argon2id parameters',
      value: `m = ${params.memoryKiB} KiB, t = 1, p = 1; ${params.difficultyBits} zero bits (2^${params.difficultyBits} = ${2 ** params.difficultyBits} attempts expected)`,
    },
    {
      measure: 'solve (one core, mean of 8)',
      value: `${fmt(avgSolve, 0)} ms (${fmt(avgAttempts, 0)} attempts, ${fmt(avgSolve / avgAttempts, 2)} ms each)`,
    },
    { measure: 'verify (one evaluation)', value: `${fmt(verifyMs, 2)} ms` },
    {
      measure: 'validator cost of 1M check-ins/day',
      value: `${fmt((verifyMs * 1e6) / 1000 / 60, 0)} CPU-minutes per day`,
    },
  ])
  b.note(
    'Goals: solving takes about a second of a phone core, verifying a few milliseconds. Phone cores run WASM ' +
      'two to three times slower than this server core, so the mean solve here should be ~0.3–0.5 s.',
  )

  // --- Payments ---------------------------------------------------------------------------
  b.section('ledger-payments', 'Ledger: payments applied per second')
  const { state, keys } = bigState(5000, 95_000, hasher)
  const pool = createVerifyPool()
  const inline = inlineBatchVerifier(nodeEd25519)
  const rows: Record<string, string>[] = []
  for (const [name, verifier] of [
    ['one core (inline node:crypto)', inline],
    [`verification on ${pool.name}`, pool],
  ] as const) {
    let verifyMs = 0
    let applyMs = 0
    const ledgers = 5
    for (let i = 0; i < ledgers; i++) {
      const wire = payments(state, keys, i * 1000, 1000)
      const [v, a] = await ledgerOf(state, wire, verifier)
      verifyMs += v
      applyMs += a
    }
    const perSec = (ledgers * 1000 * 1000) / (verifyMs + applyMs)
    rows.push({
      setup: name,
      'payments/s': fmt(perSec),
      'decode+verify ms/ledger': fmt(verifyMs / ledgers, 1),
      'apply ms/ledger': fmt(applyMs / ledgers, 1),
      'ratio to raw verify (1 core)': fmt(perSec / raw, 2),
      'ratio to raw verify, new keys': fmt(perSec / rawFresh, 2),
    })
  }
  // Pipelined: the pool verifies the next ledger's transactions while this thread applies the current one.
  {
    const ledgers = 5
    const wires = Array.from({ length: ledgers }, (_, i) => payments(state, keys, i * 1000, 1000))
    const checkAll = async (wire: Uint8Array[]) => {
      const txs = wire.map((b) => TransactionEnvelopeType.decode(b))
      const passed = await runChecks(
        txs.flatMap((t) => transactionChecks(state, networkId, t)),
        { verifier: pool, argon2id: wasmArgon2id },
      )
      return { txs, passed }
    }
    const t0 = performance.now()
    let next = checkAll(wires[0]!)
    for (let i = 0; i < ledgers; i++) {
      const { txs, passed } = await next
      if (i + 1 < ledgers) next = checkAll(wires[i + 1]!)
      applyChecked(state, txs, passed)
    }
    const perSec = (ledgers * 1000 * 1000) / (performance.now() - t0)
    rows.push({
      setup: `pipelined: ${pool.name} verifies ledger n+1 while ledger n applies`,
      'payments/s': fmt(perSec),
      'decode+verify ms/ledger': '(overlapped)',
      'apply ms/ledger': '(overlapped)',
      'ratio to raw verify (1 core)': fmt(perSec / raw, 2),
      'ratio to raw verify, new keys': fmt(perSec / rawFresh, 2),
    })
  }
  await pool.close()
  b.table(rows)
  b.note(
    `Raw native Ed25519 verification measured in the same run: ${fmt(raw)}/s on one core with a cached key, ` +
      `${fmt(rawFresh)}/s when each key is seen for the first time (node:crypto must import it; a ledger of payments from distinct accounts pays this). ` +
      'Each ledger is 1,000 one-payment transactions from distinct accounts in a state of 100,000 accounts, ' +
      'received as bytes: strict decoding, signature checks, then closeLedger (fees, sequence numbers, the ' +
      'state-tree update, results root, header). Goals: ≥ 0.7 of the raw rate on one core; above the raw ' +
      'one-core rate with verification spread over both cores.',
  )

  // --- A million accounts ---------------------------------------------------------------
  b.section('ledger-million', 'Ledger: a million accounts')
  const heap0 = process.memoryUsage().heapUsed
  const tBuild = performance.now()
  const big = bigState(1000, 999_000, hasher, 300)
  const buildMs = performance.now() - tBuild
  const heapState = process.memoryUsage().heapUsed - heap0
  const wire = payments(big.state, big.keys, 0, 1000)
  const [, applyMs] = await ledgerOf(big.state, wire, inline)
  // The tree alone: 2,000 leaf updates (what 1,000 payments change) then the root.
  const tree = big.state.tree
  const updates = big.keys
    .slice(0, 1000)
    .flatMap((k, i) => [
      [entryKeyHash({ type: 'account', id: k.pk }), new Uint8Array(32).fill(i & 255)] as const,
      [
        entryKeyHash({ type: 'account', id: big.keys[(i + 500) % 1000]!.pk }),
        new Uint8Array(32).fill(7),
      ] as const,
    ])
  const tRoot = performance.now()
  for (const [k, v] of updates) tree.set(k, v)
  tree.root()
  const rootMs = performance.now() - tRoot

  // The daily close with every account a miner: circles of 5, one in three invited, totals ≥ 7.
  const idx = big.state.mining
  const n = idx.count
  for (let i = 0; i < n; i++) {
    idx.lastDay[i] = 0
    idx.totalCheckIns[i] = 7 + (i % 3)
    idx.referrer[i] = i % 3 === 0 && i > 0 ? (i * 7919) % n : -1
    for (let j = 0; j < 5; j++) idx.circle[i * 5 + j] = (i + 1 + j * 104_729) % n
  }
  // The sweep reads the account entries: mark each as having day 0 unsettled.
  for (const [k, e] of big.state.entries) {
    if (e.type === 'account')
      big.state.entries.set(k, { ...e, checkIns: { total: 7, lastDay: 0n, streak: 7 }, unsettledDay: 0n })
  }
  const pools = big.state.pools()
  big.state.entries.set('O', { ...pools, everCheckedIn: BigInt(n) })
  const heap1 = process.memoryUsage().heapUsed
  const nextDay = big.state.params().genesisTime + big.state.params().dayLength
  const tClose = performance.now()
  const set = { v: 1 as const, previousLedgerHash: big.state.headerHash, txs: [], attestations: [] }
  const r = closeLedger(
    big.state,
    {
      v: 1,
      txSetHash: txSetHash(set),
      closeTime: nextDay,
      previousLedgerHash: big.state.headerHash,
      upgrades: [],
    },
    set,
    { networkId, passed: new Set() },
  )
  const closeMs = performance.now() - tClose
  const heap2 = process.memoryUsage().heapUsed
  const day0 = big.state.day(0n)!
  b.table([
    {
      measure: 'build genesis state of 1,000,000 accounts',
      value: `${fmt(buildMs / 1000, 1)} s`,
      note: `heap ≈ ${mib(heapState)}`,
    },
    {
      measure: 'ledger of 1,000 payments over 1M accounts (apply only)',
      value: `${fmt(applyMs, 0)} ms`,
      note: 'includes the state-root update',
    },
    {
      measure: 'state-tree update: 2,000 leaves + root over 1M',
      value: `${fmt(rootMs, 0)} ms`,
      note: `${fmt(rootMs / 2000, 3)} ms per leaf`,
    },
    {
      measure: 'ledger closing a day of 1,000,000 miners',
      value: `${fmt(closeMs, 0)} ms`,
      note: `goal < 1,000 ms (${fmt(closeMs / 1000, 2)} of the budget); ${fmt(Number(day0.totalPoints))} points, payout root ${r.header.payoutRoot ? 'set' : 'missing'}`,
    },
    {
      measure: 'memory of the close (heap growth)',
      value: mib(heap2 - heap1),
      note: `payout table ${mib(day0.payoutCount * 56)}`,
    },
  ])
  b.note(
    'The close computes every miner’s weight (pioneer, circle, referral, node) from the mining index’s flat arrays, ' +
      'writes the payout table and its chunked Merkle root, and credits the first ' +
      `${DEFAULT_PARAMS.payoutSweepPerLedger} lines (the rest are credited by later ledgers or when touched).`,
  )
}
