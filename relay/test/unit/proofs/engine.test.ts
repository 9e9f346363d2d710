import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/core/codec/index.js'
import {
  GENESIS_POST_DIGEST,
  memoryStore,
  type ProofProgress,
  type SealedSectorInfo,
  type SealRequest,
  sealSector,
  testParams,
  verifySeal,
  writeSectorData,
} from '../../../../src/core/proofs/index.js'
import { createHashWasmHasher } from '../../../../src/platform/hash-wasm.js'
import { fakeLedger, MINER, pseudoRandomBytes } from '../../../../test/unit/proofs/fixtures.js'
import { createProofEngine } from '../../../src/proofs/engine.js'

const root = mkdtempSync(join(tmpdir(), 'watt-engine-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const params = testParams({ sectorSize: 256 * 1024 })
const ledger = fakeLedger(10_000n)
const data = pseudoRandomBytes(params.sectorSize, 42)
const request = (sectorId: string, p = params): SealRequest => ({
  params: p,
  sectorId,
  miner: MINER,
  sectorNumber: 7n,
  ticket: ledger(10n)!,
  ticketHeight: 10n,
})
const hex = (i: SealedSectorInfo) => toHex(i.commR) + toHex(i.replicaId)

async function reference(p = params, d = data): Promise<SealedSectorInfo> {
  const store = memoryStore()
  await writeSectorData(store, 'r', d)
  return sealSector(await createHashWasmHasher(), store, request('r', p))
}

describe('relay proof engine (worker threads over files)', () => {
  const engine = createProofEngine({ root, threads: 2 })

  it('seals in a worker thread, with progress, to the same replica as the in-process engine', async () => {
    const events: ProofProgress[] = []
    const info = await engine.run(
      { op: 'seal', request: request('a'), data },
      { onProgress: (e) => events.push(e) },
    )
    expect(hex(info)).toBe(hex(await reference()))
    expect(events.at(-1)).toMatchObject({ type: 'seal', phase: 'done', fraction: 1 })
    expect(await engine.run({ op: 'status', sectorId: 'a' })).toMatchObject({ sealed: true })
  })

  it('proves and verifies the seal, the PoSt, and unseals, each in its own thread', async () => {
    const info = (await engine.run({ op: 'status', sectorId: 'a' })).info!
    const seed = { height: 30n, hash: ledger(30n)! }
    const proof = await engine.run({ op: 'proveSeal', params, sectorId: 'a', seed })
    const context = {
      params,
      miner: MINER,
      precommit: { sectorNumber: 7n, commD: info.commD, commR: info.commR, ticketHeight: 10n, height: 20n },
      ticketLookback: 100n,
      seedDelay: 10n,
    }
    const inline = verifySeal(await createHashWasmHasher(), proof, {
      ...context,
      ledgerHash: ledger,
      isReplicaKnown: () => false,
    })
    expect(inline).toEqual({ ok: true })
    const facts = [10n, 30n].map((height) => ({ height, hash: ledger(height)! }))
    expect(
      await engine.run({
        op: 'verifySeal',
        proof,
        context: { ...context, ledgerHashes: facts, knownReplicaIds: [] },
      }),
    ).toEqual({
      ok: true,
    })
    expect(
      await engine.run({
        op: 'verifySeal',
        proof,
        context: { ...context, ledgerHashes: facts, knownReplicaIds: [info.replicaId] },
      }),
    ).toMatchObject({ ok: false, reason: 'ticketReused' })

    const post = await engine.run({
      op: 'provePoSt',
      request: {
        params,
        prover: MINER,
        window: 1n,
        checkInHeight: 5000n,
        beacon: ledger(5001n)!,
        prevDigest: GENESIS_POST_DIGEST,
        sectorIds: ['a'],
      },
    })
    const postContext = {
      params,
      prover: MINER,
      window: 1n,
      windowStart: 4320n,
      windowEnd: 8640n,
      checkInHeight: 5000n,
      ledgerHashes: [{ height: 5001n, hash: ledger(5001n)! }],
      prevDigest: GENESIS_POST_DIGEST,
      sectors: [{ sectorNumber: 7n, commR: info.commR }],
      inclusionHeight: 5004n,
      responseLedgers: 12n,
    }
    expect(await engine.run({ op: 'verifyPoSt', proof: post.bytes, context: postContext })).toEqual({
      ok: true,
    })
    expect(
      await engine.run({
        op: 'verifyPoSt',
        proof: post.bytes,
        context: { ...postContext, inclusionHeight: 6000n },
      }),
    ).toMatchObject({
      reason: 'lateProof',
    })

    const unsealed = await engine.run({ op: 'unseal', params, sectorId: 'a', read: true })
    expect(toHex(unsealed.data!)).toBe(toHex(data))
  })

  it('aborting terminates the thread; sealing again resumes from the checkpoint on disk', async () => {
    // 1 MiB, so the main thread sees layer 2 begin well before the thread could finish.
    const big = testParams({ sectorSize: 1024 * 1024 })
    const bigData = pseudoRandomBytes(big.sectorSize, 43)
    const ctl = new AbortController()
    const job = {
      op: 'seal' as const,
      request: request('b', big),
      data: bigData,
      options: { chunkNodes: 1024, checkpointEvery: 4096 },
    }
    await expect(
      engine.run(job, {
        signal: ctl.signal,
        onProgress: (e) => {
          if (e.type === 'seal' && e.phase === 'labels' && e.layer === 2) ctl.abort()
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' })
    const status = await engine.run({ op: 'status', sectorId: 'b' })
    expect(status.sealed).toBe(false)
    expect(status.checkpoint).toBeDefined()
    const events: ProofProgress[] = []
    const info = await engine.run(job, { onProgress: (e) => events.push(e) })
    expect(events[0]).toMatchObject({ type: 'seal', resumed: true, phase: status.checkpoint!.phase })
    expect(hex(info)).toBe(hex(await reference(big, bigData)))
  })

  it('reports named errors from the thread', async () => {
    await expect(
      engine.run({
        op: 'proveSeal',
        params,
        sectorId: 'missing',
        seed: { height: 1n, hash: new Uint8Array(32) },
      }),
    ).rejects.toMatchObject({
      name: 'SectorNotSealedError',
    })
  })
})
