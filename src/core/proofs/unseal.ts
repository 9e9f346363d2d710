/**
 * Unsealing (docs/proofs.md §Unsealing): regenerate the key K = layer L from the replica id (the
 * labels do not depend on the data, only on commD through the replica id) and recover D = R ⊕ K.
 * Costs one seal's labelling (Filecoin: unseal ≈ PC1 time); memory is two layers, no layer is
 * written. The result is checked against commD before it is reported as good.
 */
import type { AbortSignalLike } from '../abort.js'
import { equalBytes } from '../codec/bytes.js'
import { HasherMismatchError, UnsealMismatchError } from './errors.js'
import { createGraph } from './graph.js'
import type { Hasher } from './hasher.js'
import { labelContext, labelRange } from './labels.js'
import { TreeBuilder, treeShape } from './merkle.js'
import { nodesOf, type ProofParams, porepIdOf } from './params.js'
import { buildParentCache, sealChunkNodes } from './seal.js'
import { readSealedInfo, sectorPaths } from './sector.js'
import { readExact, type SectorFile, type SectorStore } from './store.js'

export interface UnsealProgress {
  readonly type: 'unseal'
  readonly sectorId: string
  readonly layer: number
  readonly layers: number
  readonly nodesDone: number
  readonly nodes: number
  readonly fraction: number
}

export interface UnsealOptions {
  signal?: AbortSignalLike
  onProgress?: (p: UnsealProgress) => void
  chunkNodes?: number
  /** Store name to write the data to. @default sectors/<id>/unsealed */
  output?: string
}

/** Recover a sealed sector's data into `output`; throws UnsealMismatchError if it does not match commD. */
export async function unsealSector(
  h: Hasher,
  store: SectorStore,
  sectorId: string,
  params: ProofParams,
  options: UnsealOptions = {},
): Promise<{ output: string; commD: Uint8Array }> {
  if (h.algorithm !== params.hash) throw new HasherMismatchError(`unseal: expected a ${params.hash} hasher`)
  const info = await readSealedInfo(store, sectorId)
  const porepId = porepIdOf(params)
  if (!equalBytes(info.porepId, porepId))
    throw new HasherMismatchError(`unseal: sector ${sectorId} was sealed with other parameters`)
  const N = nodesOf(params)
  const L = params.layers
  const paths = sectorPaths(sectorId)
  const output = options.output ?? paths.unsealed
  const chunk = sealChunkNodes(params, options)
  const graph = createGraph(params, porepId)
  const total = (L + 1) * N
  const progress = (layer: number, done: number) =>
    options.onProgress?.({
      type: 'unseal',
      sectorId,
      layer,
      layers: L,
      nodesDone: done,
      nodes: N,
      fraction: ((layer === 0 ? L : layer - 1) * N + done) / total,
    })

  // The parent cache may have been dropped by finalizeSector: rebuild it in a scratch file.
  const parentsName = (await store.exists(paths.parents)) ? paths.parents : `${paths.parents}.unseal`
  if (parentsName !== paths.parents) await buildParentCache(graph, store, parentsName, chunk, options.signal)
  const open: SectorFile[] = []
  try {
    const parentsFile = await store.open(parentsName)
    open.push(parentsFile)
    const ctx = labelContext(h, graph, info.replicaId)
    const pbuf = new Uint32Array(chunk * graph.degree)
    const pbytes = new Uint8Array(pbuf.buffer)
    let prev = new Uint32Array(N * 8)
    let cur = new Uint32Array(N * 8)
    for (let l = 1; l <= L; l++) {
      for (let from = 0; from < N; from += chunk) {
        options.signal?.throwIfAborted()
        await readExact(parentsFile, from * graph.degree * 4, pbytes)
        labelRange(ctx, l, cur, l > 1 ? prev : undefined, from, from + chunk, pbuf)
        progress(l, from + chunk)
      }
      const t = prev
      prev = cur
      cur = t
    }
    const key = prev
    const replica = await store.open(paths.replica)
    open.push(replica)
    const out = await store.open(output, { create: true })
    open.push(out)
    await out.truncate(0)
    const buf = new Uint32Array(chunk * 8)
    const bytes = new Uint8Array(buf.buffer)
    const tree = new TreeBuilder(h, treeShape(N))
    for (let from = 0; from < N; from += chunk) {
      options.signal?.throwIfAborted()
      await readExact(replica, from * 32, bytes)
      const k0 = from * 8
      for (let i = 0; i < buf.length; i++) buf[i]! ^= key[k0 + i]!
      tree.push(buf, 0, chunk)
      await out.write(from * 32, bytes)
      progress(0, from + chunk)
    }
    await out.flush()
    const commD = tree.finish()
    if (!equalBytes(commD, info.commD))
      throw new UnsealMismatchError(`unseal: sector ${sectorId} decodes to data that does not match commD`)
    return { output, commD }
  } finally {
    for (const f of open) await f.close().catch(() => undefined)
    if (parentsName !== paths.parents) await store.delete(parentsName).catch(() => undefined)
  }
}
