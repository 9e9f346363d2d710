/**
 * The proofs test page: exposes `window.proofsPage`, which test/e2e/proofs.test.ts and the proofs
 * benchmark drive through page.evaluate. Everything crosses the real worker bridge
 * (workers/proofs-bridge.ts); verification also runs on the page thread with the pure core, like a
 * browser validator would. Arguments and results are JSON-safe (hex strings, numbers).
 */
import { idbSectorStore } from '../../../src/app/store/idb-sector-store.js'
import { fromHex, toHex } from '../../../src/core/codec/bytes.js'
import {
  GENESIS_POST_DIGEST,
  type ProofParams,
  type SealProgress,
  sealProofMaxBytes,
  verifyPoSt,
  verifySeal,
} from '../../../src/core/proofs/index.js'
import { createHashWasmHasher } from '../../../src/platform/hash-wasm.js'
import { createProofsBridge, type StoreSpec } from '../../../workers/proofs-bridge.js'
import { fakeLedger, MINER, pseudoRandomBytes } from '../../unit/proofs/fixtures.js'
import { runStoreCompliance } from '../../unit/proofs/store-compliance.js'

const ledger = fakeLedger(10_000n)
const TICKET_HEIGHT = 10n
const PRECOMMIT_HEIGHT = 20n
const SEED_DELAY = 10n
const CHECK_IN = 5000n

interface SealArgs {
  store: StoreSpec
  sectorId: string
  params: ProofParams
  dataSeed: number
  sectorNumber: number
  tuning?: { chunkNodes?: number; checkpointEvery?: number }
  /** Abort the seal when a progress event reaches this layer. */
  abortAtLayer?: number
}

const errorOf = (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message })
const infoHex = (i: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(i).map(([k, v]) => [
      k,
      v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? String(v) : v,
    ]),
  )

async function seal(a: SealArgs) {
  const bridge = createProofsBridge({ store: a.store })
  const events: SealProgress[] = []
  const ctl = new AbortController()
  const t0 = performance.now()
  const request = {
    params: a.params,
    sectorId: a.sectorId,
    miner: MINER,
    sectorNumber: BigInt(a.sectorNumber),
    ticket: ledger(TICKET_HEIGHT)!,
    ticketHeight: TICKET_HEIGHT,
  }
  const progress = () => ({
    count: events.length,
    first: events[0] && {
      phase: events[0].phase,
      layer: events[0].layer,
      nodesDone: events[0].nodesDone,
      resumed: events[0].resumed,
    },
    lastFraction: events.at(-1)?.fraction ?? 0,
    phases: [...new Set(events.map((e) => e.phase))],
    monotonic: events.every((e, i) => i === 0 || e.fraction >= events[i - 1]!.fraction),
  })
  try {
    const info = await bridge.seal(request, {
      data: pseudoRandomBytes(a.params.sectorSize, a.dataSeed),
      transferData: true,
      ...(a.tuning ? { tuning: a.tuning } : {}),
      signal: ctl.signal,
      onProgress: (e) => {
        events.push(e)
        if (a.abortAtLayer !== undefined && e.phase === 'labels' && e.layer >= a.abortAtLayer) ctl.abort()
      },
    })
    return { ok: true as const, info: infoHex(info), progress: progress(), ms: performance.now() - t0 }
  } catch (e) {
    return { ok: false as const, error: errorOf(e), progress: progress(), ms: performance.now() - t0 }
  }
}

async function proveAndVerify(a: { store: StoreSpec; sectorId: string; params: ProofParams }) {
  const bridge = createProofsBridge({ store: a.store })
  const h = await createHashWasmHasher(a.params.hash)
  const status = await bridge.status(a.sectorId)
  const info = status.info!
  const seedHeight = PRECOMMIT_HEIGHT + SEED_DELAY
  let t = performance.now()
  const sealBytes = await bridge.proveSeal(a.params, a.sectorId, {
    height: seedHeight,
    hash: ledger(seedHeight)!,
  })
  const proveSealMs = performance.now() - t
  const base = {
    params: a.params,
    miner: MINER,
    precommit: {
      sectorNumber: info.sectorNumber,
      commD: info.commD,
      commR: info.commR,
      ticketHeight: TICKET_HEIGHT,
      height: PRECOMMIT_HEIGHT,
    },
    ticketLookback: 100n,
    seedDelay: SEED_DELAY,
  }
  t = performance.now()
  const seal = verifySeal(h, sealBytes, { ...base, ledgerHash: ledger, isReplicaKnown: () => false })
  const verifySealMs = performance.now() - t
  const facts = [TICKET_HEIGHT, seedHeight].map((height) => ({ height, hash: ledger(height)! }))
  const sealViaWorker = await bridge.verifySeal(sealBytes, {
    ...base,
    ledgerHashes: facts,
    knownReplicaIds: [],
  })
  const tampered = sealBytes.slice()
  tampered[tampered.length - 100]! ^= 1
  const sealTampered = verifySeal(h, tampered, { ...base, ledgerHash: ledger, isReplicaKnown: () => false })

  t = performance.now()
  const post = await bridge.provePoSt({
    params: a.params,
    prover: MINER,
    window: 1n,
    checkInHeight: CHECK_IN,
    beacon: ledger(CHECK_IN + 1n)!,
    prevDigest: GENESIS_POST_DIGEST,
    sectorIds: [a.sectorId],
  })
  const provePoStMs = performance.now() - t
  const postCtx = {
    params: a.params,
    prover: MINER,
    window: 1n,
    windowStart: 4320n,
    windowEnd: 8640n,
    checkInHeight: CHECK_IN,
    ledgerHash: ledger,
    prevDigest: GENESIS_POST_DIGEST,
    sectors: [{ sectorNumber: info.sectorNumber, commR: info.commR }],
    inclusionHeight: CHECK_IN + 2n,
    responseLedgers: 12n,
  }
  t = performance.now()
  const postResult = verifyPoSt(h, post.bytes, postCtx)
  const verifyPoStMs = performance.now() - t
  const postLate = verifyPoSt(h, post.bytes, { ...postCtx, inclusionHeight: CHECK_IN + 100n })
  return {
    seal,
    sealViaWorker,
    sealTampered,
    sealBytes: sealBytes.length,
    sealMaxBytes: sealProofMaxBytes(a.params),
    post: postResult,
    postLate,
    postBytes: post.bytes.length,
    ms: {
      proveSeal: proveSealMs,
      verifySeal: verifySealMs,
      provePoSt: provePoStMs,
      verifyPoSt: verifyPoStMs,
    },
  }
}

async function unseal(a: { store: StoreSpec; sectorId: string; params: ProofParams; dataSeed: number }) {
  const bridge = createProofsBridge({ store: a.store })
  const t = performance.now()
  const r = await bridge.unseal(a.params, a.sectorId, { read: true })
  const ms = performance.now() - t
  const want = pseudoRandomBytes(a.params.sectorSize, a.dataSeed)
  const data = r.data!
  return {
    equal: data.length === want.length && data.every((b, i) => b === want[i]),
    commD: toHex(r.commD),
    ms,
  }
}

async function status(a: { store: StoreSpec; sectorId: string }) {
  const s = await createProofsBridge({ store: a.store }).status(a.sectorId)
  return { sealed: s.sealed, checkpoint: s.checkpoint ?? null, commR: s.info ? toHex(s.info.commR) : null }
}

async function finalize(a: { store: StoreSpec; sectorId: string; layers: number }) {
  await createProofsBridge({ store: a.store }).finalize(a.sectorId, a.layers)
}

async function storage(ask: boolean) {
  return createProofsBridge().storage(ask)
}

async function compliance(where: 'opfs-worker' | 'idb-worker' | 'idb-page') {
  if (where === 'idb-page') {
    const names = new Map<object, string>()
    return runStoreCompliance({
      async create() {
        const name = `compliance-page-${crypto.randomUUID()}`
        const s = await idbSectorStore(name)
        names.set(s, name)
        return s
      },
      reopen: (s) => idbSectorStore(names.get(s)!),
    })
  }
  const w = new Worker(new URL('./compliance.worker.ts', import.meta.url), { type: 'module' })
  try {
    return await new Promise<{ name: string; ok: boolean; error?: string }[]>((resolve, reject) => {
      w.onmessage = (e) => resolve(e.data)
      w.onerror = (e) => reject(new Error(e.message))
      w.postMessage({ kind: where === 'opfs-worker' ? 'opfs' : 'indexeddb' })
    })
  } finally {
    w.terminate()
  }
}

/**
 * Raw hash cost on this page (the browser's limit): `calls` direct hash-wasm calls on `length`-byte
 * messages. The benchmark reads the renderer's CPU time around it; the wall time is returned too.
 */
async function rawHash(a: { algorithm: 'blake3' | 'sha256'; length: number; calls: number }) {
  const h = await createHashWasmHasher(a.algorithm)
  for (let i = 0; i < 20_000; i++) h.digest(a.length)
  const t = performance.now()
  for (let i = 0; i < a.calls; i++) h.digest(a.length)
  return { mode: h.mode, micros: ((performance.now() - t) * 1000) / a.calls }
}

const api = { rawHash, seal, proveAndVerify, unseal, status, finalize, storage, compliance, fromHex, toHex }
;(globalThis as unknown as { proofsPage: typeof api }).proofsPage = api
export type ProofsPage = typeof api
document.getElementById('status')!.textContent = 'ready'
