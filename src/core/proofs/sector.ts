/**
 * Where a sector's files live in a store, how its trees are read back, and the seal checkpoints.
 */
import { concatBytes, equalBytes } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { SealCheckpoint, SealedSectorInfo } from './codecs.js'
import { CorruptSectorError, SectorFileNotFoundError, SectorNotSealedError } from './errors.js'
import { type Hasher, wordsOf } from './hasher.js'
import type { StoredTree, TreeShape } from './merkle.js'
import { readExact, type SectorFile, type SectorStore, sectorFile, writeWholeFile } from './store.js'

export interface SectorPaths {
  readonly data: string
  readonly parents: string
  layer(l: number): string
  readonly treeD: string
  readonly treeC: string
  readonly treeR: string
  readonly replica: string
  readonly meta: string
  readonly unsealed: string
  state(slot: 0 | 1): string
}

export function sectorPaths(sectorId: string): SectorPaths {
  const f = (name: string) => sectorFile(sectorId, name)
  const paths = {
    data: f('data'),
    parents: f('parents'),
    layer: (l: number) => f(`layer-${l}`),
    treeD: f('tree-d'),
    treeC: f('tree-c'),
    treeR: f('tree-r'),
    replica: f('replica'),
    meta: f('meta'),
    unsealed: f('unsealed'),
    state: (slot: 0 | 1) => f(`state.${slot}`),
  }
  return paths
}

/** Write a sector's unsealed data (exactly one sector) before sealing. */
export async function writeSectorData(store: SectorStore, sectorId: string, data: Uint8Array): Promise<void> {
  await writeWholeFile(store, sectorPaths(sectorId).data, data)
}

/** The sealed sector's commitments (written when sealing completes). */
export async function readSealedInfo(store: SectorStore, sectorId: string): Promise<SealedSectorInfo> {
  const name = sectorPaths(sectorId).meta
  if (!(await store.exists(name))) throw new SectorNotSealedError(`sector ${sectorId} is not sealed`)
  const f = await store.open(name)
  try {
    const bytes = await readExact(f, 0, new Uint8Array(await f.size()))
    const r = SealedSectorInfo.tryDecode(bytes)
    if (!r.ok) throw new CorruptSectorError(`sector ${sectorId}: meta: ${r.error.message}`)
    return r.value
  } finally {
    await f.close()
  }
}

/**
 * Latest valid checkpoint, or undefined. Each slot holds encoding ‖ SHA-256(encoding); a slot torn by
 * a crash mid-write fails its checksum and the other slot (one checkpoint older) is used.
 */
export async function loadCheckpoint(
  store: SectorStore,
  sectorId: string,
): Promise<SealCheckpoint | undefined> {
  const paths = sectorPaths(sectorId)
  let best: SealCheckpoint | undefined
  for (const slot of [0, 1] as const) {
    const name = paths.state(slot)
    if (!(await store.exists(name))) continue
    const f = await store.open(name)
    try {
      const size = await f.size()
      if (size < 33 || size > SealCheckpoint.maxBytes + 32) continue
      const bytes = await readExact(f, 0, new Uint8Array(size))
      const body = bytes.subarray(0, size - 32)
      if (!equalBytes(sha256(body), bytes.subarray(size - 32))) continue
      const r = SealCheckpoint.tryDecode(body)
      if (r.ok && (best === undefined || r.value.seq > best.seq)) best = r.value
    } finally {
      await f.close()
    }
  }
  return best
}

/** Persist a checkpoint in slot seq mod 2 (the other slot keeps the previous one). */
export async function saveCheckpoint(
  store: SectorStore,
  sectorId: string,
  cp: SealCheckpoint,
): Promise<void> {
  const body = SealCheckpoint.encode(cp)
  await writeWholeFile(
    store,
    sectorPaths(sectorId).state(Number(cp.seq % 2n) as 0 | 1),
    concatBytes(body, sha256(body)),
  )
}

async function openExisting(store: SectorStore, name: string): Promise<SectorFile> {
  if (!(await store.exists(name))) throw new SectorFileNotFoundError(`store: no file ${name}`)
  return store.open(name)
}

/** A tree whose leaves are the 32-byte nodes of a file (TreeD over data, TreeR over the replica). */
export async function fileTree(
  store: SectorStore,
  shape: TreeShape,
  leavesName: string,
  cacheName: string,
): Promise<StoredTree & { close(): Promise<void> }> {
  const leaves = await openExisting(store, leavesName)
  const cache = await openExisting(store, cacheName)
  return {
    shape,
    cache,
    async leaves(start, count) {
      const out = new Uint32Array(count * 8)
      await readExact(leaves, start * 32, new Uint8Array(out.buffer))
      return out
    },
    async close() {
      await leaves.close()
      await cache.close()
    },
  }
}

/** TreeC: leaves are column hashes, rebuilt from the L layer files. */
export async function columnTree(
  h: Hasher,
  store: SectorStore,
  shape: TreeShape,
  layers: number,
  sectorId: string,
): Promise<StoredTree & { close(): Promise<void>; column(v: number): Promise<Uint8Array> }> {
  const paths = sectorPaths(sectorId)
  const files: SectorFile[] = []
  for (let l = 1; l <= layers; l++) files.push(await openExisting(store, paths.layer(l)))
  const cache = await openExisting(store, paths.treeC)
  return {
    shape,
    cache,
    async leaves(start, count) {
      const chunks: Uint32Array[] = []
      for (const f of files) {
        const c = new Uint32Array(count * 8)
        await readExact(f, start * 32, new Uint8Array(c.buffer))
        chunks.push(c)
      }
      return hashColumns(h, chunks, count)
    },
    async column(v) {
      const out = new Uint8Array(layers * 32)
      for (let l = 0; l < layers; l++) await readExact(files[l]!, v * 32, out.subarray(l * 32, l * 32 + 32))
      return out
    },
    async close() {
      for (const f of files) await f.close()
      await cache.close()
    },
  }
}

/** Column hashes of `count` nodes, given each layer's labels of those nodes (8 words per node). */
export function hashColumns(h: Hasher, layerChunks: readonly Uint32Array[], count: number): Uint32Array {
  const { inW, outW } = wordsOf(h)
  const L = layerChunks.length
  const out = new Uint32Array(count * 8)
  for (let i = 0; i < count; i++) {
    const s = i * 8
    for (let l = 0; l < L; l++) {
      const c = layerChunks[l]!
      const o = l * 8
      for (let k = 0; k < 8; k++) inW[o + k] = c[s + k]!
    }
    h.digest(L * 32)
    for (let k = 0; k < 8; k++) out[s + k] = outW[k]!
  }
  return out
}

/**
 * After the seal proof is accepted: delete what PoSt and unsealing do not need (layers, parent cache,
 * TreeC, TreeD, checkpoints, and the data unless `keepData`). Keeps replica, TreeR and meta.
 */
export async function finalizeSector(
  store: SectorStore,
  sectorId: string,
  layers: number,
  options: { keepData?: boolean } = {},
): Promise<void> {
  const p = sectorPaths(sectorId)
  const drop = [p.parents, p.treeC, p.treeD, p.state(0), p.state(1)]
  for (let l = 1; l <= layers; l++) drop.push(p.layer(l))
  if (!options.keepData) drop.push(p.data)
  for (const name of drop) await store.delete(name)
}

/** Delete every file of a sector. */
export async function deleteSector(store: SectorStore, sectorId: string): Promise<void> {
  for (const name of await store.list(`sectors/${sectorId}/`)) await store.delete(name)
}
