import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import {
  loadCheckpoint,
  memoryStore,
  nobleHasher,
  readWholeFile,
  type SealProgress,
  sealSector,
  sectorPaths,
  testParams,
  writeSectorData,
  writeWholeFile,
} from '../../../src/core/proofs/index.js'
import { createHashWasmHasher } from '../../../src/platform/hash-wasm.js'
import { hasher, MINER, OTHER_MINER, pseudoRandomBytes, sealedFixture } from './fixtures.js'

const xor = (a: Uint8Array, b: Uint8Array) => a.map((x, i) => x ^ b[i]!)
const infoHex = (i: object) =>
  JSON.stringify(i, (_, v) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? `${v}` : v))

describe('sealing', () => {
  it('writes replica = data ⊕ last layer, keeps every layer, and reports the commitments', async () => {
    const f = await sealedFixture()
    const p = sectorPaths(f.sectorId)
    const replica = await readWholeFile(f.store, p.replica)
    const key = await readWholeFile(f.store, p.layer(f.params.layers))
    expect(toHex(replica)).toBe(toHex(xor(f.data, key)))
    for (let l = 1; l <= f.params.layers; l++)
      expect((await readWholeFile(f.store, p.layer(l))).length).toBe(f.params.sectorSize)
    expect(f.info.commD).toHaveLength(32)
    expect(toHex(f.info.commR)).not.toBe(toHex(f.info.commRLast))
  })

  it('is deterministic: the same inputs give the same replica and commitments, with any hasher implementation', async () => {
    const a = await sealedFixture()
    const b = await sealedFixture()
    expect(infoHex(a.info)).toBe(infoHex(b.info))
    const store = memoryStore()
    await writeSectorData(store, a.sectorId, a.data)
    const viaNoble = await sealSector(nobleHasher('blake3'), store, a.request)
    expect(infoHex(viaNoble)).toBe(infoHex(a.info))
  })

  it('gives each miner, sector number and ticket its own replica of the same data (same commD)', async () => {
    const base = await sealedFixture()
    const variants = [
      { miner: OTHER_MINER },
      { sectorNumber: 2n },
      { ticket: new Uint8Array(32).fill(9), ticketHeight: 11n },
    ]
    const seen = new Set([toHex(base.info.commR)])
    for (const v of variants) {
      const store = memoryStore()
      await writeSectorData(store, 'x', base.data)
      const info = await sealSector(await hasher(), store, { ...base.request, sectorId: 'x', ...v })
      expect(toHex(info.commD)).toBe(toHex(base.info.commD))
      expect(toHex(info.replicaId)).not.toBe(toHex(base.info.replicaId))
      seen.add(toHex(info.commR))
    }
    expect(seen.size).toBe(4)
  })

  it('also seals with SHA-256 parameters (the switchable hash)', async () => {
    const params = testParams({ hash: 'sha256' })
    const store = memoryStore()
    await writeSectorData(store, 's', pseudoRandomBytes(params.sectorSize))
    const h = await createHashWasmHasher('sha256')
    const info = await sealSector(h, store, {
      params,
      sectorId: 's',
      miner: MINER,
      sectorNumber: 1n,
      ticket: new Uint8Array(32),
      ticketHeight: 1n,
    })
    expect(info.commR).toHaveLength(32)
    await expect(
      sealSector(await hasher(), store, {
        params,
        sectorId: 's',
        miner: MINER,
        sectorNumber: 1n,
        ticket: new Uint8Array(32),
        ticketHeight: 1n,
      }),
    ).rejects.toMatchObject({ name: 'HasherMismatchError' })
  })

  it('emits progress through every phase and layer, monotonically, ending at 1', async () => {
    const params = testParams()
    const store = memoryStore()
    await writeSectorData(store, 's', pseudoRandomBytes(params.sectorSize))
    const events: SealProgress[] = []
    await sealSector(
      await hasher(),
      store,
      { params, sectorId: 's', miner: MINER, sectorNumber: 1n, ticket: new Uint8Array(32), ticketHeight: 1n },
      {
        chunkNodes: 64,
        onProgress: (e) => events.push(e),
      },
    )
    const fractions = events.map((e) => e.fraction)
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!)
    expect(fractions.at(-1)).toBe(1)
    expect(new Set(events.map((e) => e.phase))).toEqual(
      new Set(['treeD', 'parents', 'labels', 'treeC', 'replica', 'done']),
    )
    expect(new Set(events.filter((e) => e.phase === 'labels').map((e) => e.layer))).toEqual(
      new Set([1, 2, 3, 4]),
    )
    expect(events.every((e) => e.type === 'seal' && e.sectorId === 's' && !e.resumed)).toBe(true)
  })

  it('stops on abort with the signal reason, and a second call resumes from the checkpoint to the same result', async () => {
    const ref = await sealedFixture()
    const store = memoryStore()
    await writeSectorData(store, ref.sectorId, ref.data)
    const ctl = new AbortController()
    const h = await hasher()
    const opts = { chunkNodes: 64, checkpointEvery: 128 }
    await expect(
      sealSector(h, store, ref.request, {
        ...opts,
        signal: ctl.signal,
        onProgress: (e) => {
          if (e.phase === 'labels' && e.layer === 3 && e.nodesDone >= 300) ctl.abort()
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' })
    const cp = await loadCheckpoint(store, ref.sectorId)
    expect(cp).toMatchObject({ phase: 'labels', layer: 3, nodesDone: 256 })
    const resumed: SealProgress[] = []
    const info = await sealSector(h, store, ref.request, { ...opts, onProgress: (e) => resumed.push(e) })
    expect(infoHex(info)).toBe(infoHex(ref.info))
    expect(resumed[0]).toMatchObject({ phase: 'labels', layer: 3, resumed: true })
    expect(resumed[0]!.nodesDone).toBe(256 + 64)
  })

  it('resumes to the same result after a crash at any checkpoint, even with the newest checkpoint torn', async () => {
    const ref = await sealedFixture()
    const h = await hasher()
    const opts = { chunkNodes: 64, checkpointEvery: 256 }
    let total = 0
    {
      const store = memoryStore()
      await writeSectorData(store, 'c', ref.data)
      await sealSector(
        h,
        store,
        { ...ref.request, sectorId: 'c' },
        { ...opts, onCheckpoint: () => void total++ },
      )
    }
    expect(total).toBeGreaterThan(8)
    for (let crashAt = 1; crashAt < total; crashAt++) {
      const store = memoryStore()
      await writeSectorData(store, 'c', ref.data)
      let n = 0
      await expect(
        sealSector(
          h,
          store,
          { ...ref.request, sectorId: 'c' },
          {
            ...opts,
            onCheckpoint: () => {
              if (++n === crashAt) throw Object.assign(new Error('simulated crash'), { name: 'Crash' })
            },
          },
        ),
      ).rejects.toMatchObject({ name: 'Crash' })
      if (crashAt % 2 === 0) {
        // Tear the newest slot: the older checkpoint must be used instead.
        const cp = (await loadCheckpoint(store, 'c'))!
        await writeWholeFile(
          store,
          sectorPaths('c').state(Number(cp.seq % 2n) as 0 | 1),
          new Uint8Array(40).fill(7),
        )
        expect((await loadCheckpoint(store, 'c'))!.seq).toBe(cp.seq - 1n)
      }
      const info = await sealSector(h, store, { ...ref.request, sectorId: 'c' }, opts)
      expect(infoHex(info), `crash at checkpoint ${crashAt}`).toBe(infoHex(ref.info))
    }
  })

  it('returns the stored result when called again after completion', async () => {
    const f = await sealedFixture()
    const again = await sealSector(await hasher(), f.store, f.request)
    expect(infoHex(again)).toBe(infoHex(f.info))
  })

  it('refuses to resume a checkpoint made for other inputs (SealStateMismatchError)', async () => {
    const f = await sealedFixture()
    await expect(
      sealSector(await hasher(), f.store, { ...f.request, sectorNumber: 99n }),
    ).rejects.toMatchObject({
      name: 'SealStateMismatchError',
    })
  })

  it('refuses missing or wrong-sized data (SectorDataSizeError)', async () => {
    const params = testParams()
    const store = memoryStore()
    const req = {
      params,
      sectorId: 'd',
      miner: MINER,
      sectorNumber: 1n,
      ticket: new Uint8Array(32),
      ticketHeight: 1n,
    }
    await expect(sealSector(await hasher(), store, req)).rejects.toMatchObject({
      name: 'SectorDataSizeError',
    })
    await writeSectorData(store, 'd', new Uint8Array(params.sectorSize - 32))
    await expect(sealSector(await hasher(), store, req)).rejects.toMatchObject({
      name: 'SectorDataSizeError',
    })
  })
})
