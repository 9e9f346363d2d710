import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import {
  finalizeSector,
  readWholeFile,
  sectorPaths,
  type UnsealProgress,
  unsealSector,
  writeWholeFile,
} from '../../../src/core/proofs/index.js'
import { hasher, sealedFixture } from './fixtures.js'

describe('unsealing', () => {
  it('recovers the data from the replica, checked against commD', async () => {
    const f = await sealedFixture()
    const events: UnsealProgress[] = []
    const r = await unsealSector(await hasher(), f.store, f.sectorId, f.params, {
      onProgress: (e) => events.push(e),
    })
    expect(toHex(await readWholeFile(f.store, r.output))).toBe(toHex(f.data))
    expect(toHex(r.commD)).toBe(toHex(f.info.commD))
    expect(events.at(-1)?.fraction).toBe(1)
  })

  it('works from what a finalized sector keeps (replica, TreeR, meta), to a chosen file', async () => {
    const f = await sealedFixture()
    await finalizeSector(f.store, f.sectorId, f.params.layers)
    expect(await f.store.list(`sectors/${f.sectorId}/`)).toEqual(
      ['meta', 'replica', 'tree-r'].map((n) => `sectors/${f.sectorId}/${n}`),
    )
    await unsealSector(await hasher(), f.store, f.sectorId, f.params, { output: 'retrieval/out' })
    expect(toHex(await readWholeFile(f.store, 'retrieval/out'))).toBe(toHex(f.data))
    // The temporary parent cache is gone again.
    expect(await f.store.list(`sectors/${f.sectorId}/`)).toHaveLength(3)
  })

  it('refuses a damaged replica with UnsealMismatchError', async () => {
    const f = await sealedFixture()
    const p = sectorPaths(f.sectorId)
    const replica = await readWholeFile(f.store, p.replica)
    replica[1000]! ^= 1
    await writeWholeFile(f.store, p.replica, replica)
    await expect(unsealSector(await hasher(), f.store, f.sectorId, f.params)).rejects.toMatchObject({
      name: 'UnsealMismatchError',
    })
  })

  it('stops on abort', async () => {
    const f = await sealedFixture()
    const ctl = new AbortController()
    await expect(
      unsealSector(await hasher(), f.store, f.sectorId, f.params, {
        chunkNodes: 64,
        signal: ctl.signal,
        onProgress: (e) => e.layer === 2 && ctl.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('needs a sealed sector (SectorNotSealedError)', async () => {
    const f = await sealedFixture()
    await expect(unsealSector(await hasher(), f.store, 'nope', f.params)).rejects.toMatchObject({
      name: 'SectorNotSealedError',
    })
  })
})
