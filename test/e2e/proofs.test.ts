/**
 * The storage-proof engine in real Chromium, through the real worker bridge (workers/proofs-bridge.ts):
 * OPFS and IndexedDB stores pass the compliance suite; a small sector is sealed in OPFS, proven,
 * verified (on the page and in a worker), unsealed; a seal is cancelled, the page reloaded, and the
 * seal resumes from its checkpoint to the same replica Node computes; persistence is reported
 * honestly before and after the browser grants it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../src/core/codec/index.js'
import { testParams } from '../../src/core/proofs/index.js'
import { sealedFixture } from '../unit/proofs/fixtures.js'
import { type ChromiumSession, chromiumAvailable, launchChromium } from './harness/chromium.js'
import { buildAndServe, type Site } from './harness/serve.js'
import type { ProofsPage } from './proofs-page/main.js'

const params = testParams({ sectorSize: 256 * 1024 }) // 8192 nodes, 4 layers: ~0.5 s per seal
const opfs = { kind: 'opfs', name: 'e2e-sectors' } as const
const idb = { kind: 'indexeddb', name: 'e2e-sectors' } as const

describe.skipIf(!chromiumAvailable())('storage proofs in Chromium', () => {
  let site: Site
  let s: ChromiumSession
  const call = <K extends keyof ProofsPage>(
    fn: K,
    ...args: Parameters<ProofsPage[K]>
  ): Promise<Awaited<ReturnType<ProofsPage[K]>>> =>
    s.page.evaluate(
      ([name, a]) =>
        (globalThis as unknown as { proofsPage: Record<string, (...x: unknown[]) => unknown> }).proofsPage[
          name as string
        ]!(...(a as unknown[])),
      [fn, args] as const,
    ) as Promise<Awaited<ReturnType<ProofsPage[K]>>>
  const open = async () => {
    await s.page.goto(site.url)
    await s.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
  }

  beforeAll(async () => {
    site = await buildAndServe(new URL('./proofs-page/', import.meta.url))
    s = await launchChromium()
    await open()
  })
  afterAll(async () => {
    await s?.close()
    await site?.close()
  })

  describe('SectorStore compliance', () => {
    for (const where of ['opfs-worker', 'idb-worker', 'idb-page'] as const) {
      it(`${where}: every check passes`, async () => {
        const results = await call('compliance', where)
        expect(results.filter((r) => !r.ok)).toEqual([])
        expect(results.length).toBeGreaterThanOrEqual(12)
      })
    }
  })

  it('reports storage honestly: nothing pledgeable until the browser agrees to persist, then the free quota', async () => {
    const before = await call('storage', true)
    expect(before).toMatchObject({
      persistRequested: false,
      persisted: false,
      pledgeable: 0,
      reason: 'not-persisted',
    })
    expect(before.quota).toBeGreaterThan(0)
    await s.grant(site.url, ['durableStorage'])
    const after = await call('storage', true)
    expect(after).toMatchObject({ persistRequested: true, persisted: true, reason: 'persisted' })
    expect(after.pledgeable).toBeGreaterThan(0)
    expect(after.pledgeable).toBeLessThan(after.quota - after.usage)
  })

  it('seals a sector in OPFS through the worker bridge, to the replica Node computes, with progress', async () => {
    const r = await call('seal', { store: opfs, sectorId: 'one', params, dataSeed: 5, sectorNumber: 3 })
    expect(r.ok, JSON.stringify(r)).toBe(true)
    const node = await sealedFixture(params, { seed: 5, sectorNumber: 3n })
    expect(r.ok && r.info.commR).toBe(toHex(node.info.commR))
    expect(r.ok && r.info.commD).toBe(toHex(node.info.commD))
    expect(r.progress.phases).toEqual(['treeD', 'parents', 'labels', 'treeC', 'replica', 'done'])
    expect(r.progress.monotonic).toBe(true)
    expect(r.progress.lastFraction).toBe(1)
    expect(await call('status', { store: opfs, sectorId: 'one' })).toMatchObject({
      sealed: true,
      commR: toHex(node.info.commR),
    })
  })

  it('proves the seal and the PoSt in workers and verifies them on the page and in a worker', async () => {
    const r = await call('proveAndVerify', { store: opfs, sectorId: 'one', params })
    expect(r.seal).toEqual({ ok: true })
    expect(r.sealViaWorker).toEqual({ ok: true })
    expect(r.sealTampered.ok).toBe(false)
    expect(r.post).toEqual({ ok: true })
    expect(r.postLate).toMatchObject({ ok: false, reason: 'lateProof' })
    expect(r.sealBytes).toBeLessThanOrEqual(r.sealMaxBytes)
    expect(r.postBytes).toBeGreaterThan(0)
  })

  it('unseals the OPFS sector back to its data, also after finalizing (layers dropped)', async () => {
    expect(await call('unseal', { store: opfs, sectorId: 'one', params, dataSeed: 5 })).toMatchObject({
      equal: true,
    })
    await call('finalize', { store: opfs, sectorId: 'one', layers: params.layers })
    expect(await call('unseal', { store: opfs, sectorId: 'one', params, dataSeed: 5 })).toMatchObject({
      equal: true,
    })
  })

  it('cancels a seal with an AbortSignal, and after a page reload resumes it from the checkpoint', async () => {
    // 1 MiB (4 layers of 32,768 nodes) leaves the page time to abort while the worker is in the layers.
    const big = testParams({ sectorSize: 1024 * 1024 })
    const tuning = { chunkNodes: 1024, checkpointEvery: 4096 }
    const args = { store: opfs, sectorId: 'two', params: big, dataSeed: 9, sectorNumber: 4, tuning }
    const cancelled = await call('seal', { ...args, abortAtLayer: 2 })
    expect(cancelled).toMatchObject({ ok: false, error: { name: 'AbortError' } })
    const mid = await call('status', { store: opfs, sectorId: 'two' })
    expect(mid.sealed).toBe(false)
    expect(mid.checkpoint).not.toBeNull()

    await s.page.reload()
    await s.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
    const resumed = await call('seal', args)
    expect(resumed.ok, JSON.stringify(resumed)).toBe(true)
    expect(resumed.progress.first).toMatchObject({ phase: mid.checkpoint!.phase, resumed: true })
    if (mid.checkpoint!.phase === 'labels') expect(resumed.progress.first!.layer).toBe(mid.checkpoint!.layer)
    const node = await sealedFixture(big, { seed: 9, sectorNumber: 4n })
    expect(resumed.ok && resumed.info.commR).toBe(toHex(node.info.commR))
  })

  it('seals, proves and unseals with the IndexedDB fallback store', async () => {
    const r = await call('seal', { store: idb, sectorId: 'idb', params, dataSeed: 6, sectorNumber: 5 })
    expect(r.ok, JSON.stringify(r)).toBe(true)
    const node = await sealedFixture(params, { seed: 6, sectorNumber: 5n })
    expect(r.ok && r.info.commR).toBe(toHex(node.info.commR))
    const p = await call('proveAndVerify', { store: idb, sectorId: 'idb', params })
    expect(p.seal).toEqual({ ok: true })
    expect(p.post).toEqual({ ok: true })
    expect(await call('unseal', { store: idb, sectorId: 'idb', params, dataSeed: 6 })).toMatchObject({
      equal: true,
    })
  })

  it('logged no errors in the page or its workers', () => {
    expect(s.errors).toEqual([])
  })
})
