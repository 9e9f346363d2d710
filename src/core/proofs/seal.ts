/**
 * Sealing (docs/proofs.md §Sealing): data → commD → replicaId → L stacked label layers → commC →
 * replica = data ⊕ layer L → commRLast → commR. Filecoin's PreCommit 1 + 2 (spec `sdr` §Replication),
 * streamed over a SectorStore:
 *
 * - memory stays at two layers (2 · 32 MiB for a 32 MiB sector) plus one chunk: the previous layer is
 *   needed whole (expander parents are anywhere in it), the current one too (base parents reach back);
 * - every layer is written to the store as it is computed, and a checkpoint (phase, layer, nodes done)
 *   is saved every `checkpointEvery` nodes, so a seal interrupted by a closed tab or a killed process
 *   resumes where the last checkpoint left it: call `sealSector` again with the same request;
 * - progress events after every chunk; the abort signal is checked between chunks.
 */
import type { AbortSignalLike } from '../abort.js'
import { equalBytes } from '../codec/bytes.js'
import {
  type SealCheckpoint,
  type SealedSectorInfo,
  SealedSectorInfo as SealedSectorInfoType,
  type SealPhase,
} from './codecs.js'
import { commROf, replicaIdOf } from './derive.js'
import { HasherMismatchError, SealStateMismatchError, SectorDataSizeError } from './errors.js'
import { createGraph, type Graph } from './graph.js'
import type { Hasher } from './hasher.js'
import { labelContext, labelRange } from './labels.js'
import { DEFAULT_ROWS_TO_DISCARD, TreeBuilder, treeShape } from './merkle.js'
import { nodesOf, type ProofParams, porepIdOf, validateParams } from './params.js'
import { hashColumns, loadCheckpoint, readSealedInfo, saveCheckpoint, sectorPaths } from './sector.js'
import { readExact, type SectorFile, type SectorStore, writeWholeFile } from './store.js'

export interface SealRequest {
  readonly params: ProofParams
  /** Store name of the sector (`sectors/<sectorId>/…`): lowercase letters, digits, `.`, `-`, `_`. */
  readonly sectorId: string
  /** The miner's account key (32 bytes). */
  readonly miner: Uint8Array
  readonly sectorNumber: bigint
  /** A finalized ledger hash (32 bytes) and its height. */
  readonly ticket: Uint8Array
  readonly ticketHeight: bigint
}

export interface SealProgress {
  readonly type: 'seal'
  readonly sectorId: string
  readonly phase: SealPhase
  /** Layer being labelled (1..L), 0 outside the labels phase. */
  readonly layer: number
  readonly layers: number
  /** Nodes done in the current phase (or layer) out of `nodes`. */
  readonly nodesDone: number
  readonly nodes: number
  /** Overall progress, 0..1. */
  readonly fraction: number
  /** True when this run continued from a checkpoint. */
  readonly resumed: boolean
}

export interface SealOptions {
  signal?: AbortSignalLike
  onProgress?: (p: SealProgress) => void
  /** Nodes per chunk between progress events and abort checks. @default 2^14 */
  chunkNodes?: number
  /** Nodes between checkpoints inside a layer (a multiple of chunkNodes). @default 2^18 */
  checkpointEvery?: number
  /** Tree levels not stored (rebuilt on opening). @default 6 */
  rowsToDiscard?: number
  /** Called once each checkpoint is durable (tests simulate crashes here). */
  onCheckpoint?: (cp: SealCheckpoint) => void | Promise<void>
}

/** Share of the total work per phase, for the progress fraction (labels dominate: ~85 % measured). */
const WEIGHT: Record<SealPhase, number> = {
  treeD: 0.02,
  parents: 0.03,
  labels: 0.85,
  treeC: 0.05,
  replica: 0.05,
  done: 0,
}
const BEFORE: Record<SealPhase, number> = {
  treeD: 0,
  parents: 0.02,
  labels: 0.05,
  treeC: 0.9,
  replica: 0.95,
  done: 1,
}

const pow2AtMost = (n: number) => 2 ** Math.floor(Math.log2(n))

export function sealChunkNodes(
  params: ProofParams,
  options: { chunkNodes?: number; rowsToDiscard?: number },
): number {
  const n = nodesOf(params)
  const rows = treeShape(n, options.rowsToDiscard ?? DEFAULT_ROWS_TO_DISCARD).rows
  return Math.min(n, Math.max(1 << rows, pow2AtMost(options.chunkNodes ?? 1 << 14)))
}

/** Seal (or resume sealing) the sector whose data is at `sectors/<sectorId>/data`. */
export async function sealSector(
  h: Hasher,
  store: SectorStore,
  req: SealRequest,
  options: SealOptions = {},
): Promise<SealedSectorInfo> {
  const params = validateParams(req.params)
  if (h.algorithm !== params.hash)
    throw new HasherMismatchError(`seal: parameters use ${params.hash}, hasher computes ${h.algorithm}`)
  const N = nodesOf(params)
  const L = params.layers
  const porepId = porepIdOf(params)
  const paths = sectorPaths(req.sectorId)
  const rows = options.rowsToDiscard ?? DEFAULT_ROWS_TO_DISCARD
  const shape = treeShape(N, rows)
  const chunk = sealChunkNodes(params, options)
  const every = Math.max(chunk, Math.floor((options.checkpointEvery ?? 1 << 18) / chunk) * chunk)
  const signal = options.signal

  let cp = await loadCheckpoint(store, req.sectorId)
  const resumed = cp !== undefined
  if (cp) {
    if (
      !equalBytes(cp.porepId, porepId) ||
      !equalBytes(cp.miner, req.miner) ||
      cp.sectorNumber !== req.sectorNumber ||
      !equalBytes(cp.ticket, req.ticket) ||
      cp.ticketHeight !== req.ticketHeight
    )
      throw new SealStateMismatchError(`seal: sector ${req.sectorId} has a checkpoint for other inputs`)
    if (cp.phase === 'done') return readSealedInfo(store, req.sectorId)
  } else {
    cp = {
      v: 1,
      porepId,
      miner: req.miner,
      sectorNumber: req.sectorNumber,
      ticketHeight: req.ticketHeight,
      ticket: req.ticket,
      seq: 0n,
      phase: 'treeD',
      layer: 0,
      nodesDone: 0,
    }
  }
  let state: SealCheckpoint = cp
  const advance = async (next: Partial<SealCheckpoint>) => {
    state = { ...state, ...next, seq: state.seq + 1n }
    await saveCheckpoint(store, req.sectorId, state)
    await options.onCheckpoint?.(state)
  }
  const progress = (phase: SealPhase, layer: number, done: number) => {
    if (!options.onProgress) return
    const within = phase === 'labels' ? ((layer - 1) * N + done) / (L * N) : done / N
    options.onProgress({
      type: 'seal',
      sectorId: req.sectorId,
      phase,
      layer,
      layers: L,
      nodesDone: done,
      nodes: N,
      fraction: Math.min(1, BEFORE[phase] + WEIGHT[phase] * within),
      resumed,
    })
  }

  const dataFile = (await store.exists(paths.data)) ? await store.open(paths.data) : undefined
  if (!dataFile) throw new SectorDataSizeError(`seal: sector ${req.sectorId} has no data file`)
  const open: SectorFile[] = [dataFile]
  try {
    const dataSize = await dataFile.size()
    if (dataSize !== params.sectorSize)
      throw new SectorDataSizeError(
        `seal: sector ${req.sectorId} data is ${dataSize} bytes, expected ${params.sectorSize}`,
      )
    const buf = new Uint32Array(chunk * 8)
    const bufBytes = new Uint8Array(buf.buffer)

    // Phase 1: commD over the data (TreeD), then the replica id that the labels depend on.
    if (state.phase === 'treeD') {
      const tree = new TreeBuilder(h, shape)
      for (let from = 0; from < N; from += chunk) {
        signal?.throwIfAborted()
        await readExact(dataFile, from * 32, bufBytes)
        tree.push(buf, 0, chunk)
        progress('treeD', 0, from + chunk)
      }
      const commD = tree.finish()
      await writeWholeFile(store, paths.treeD, tree.cacheBytes())
      const replicaId = replicaIdOf({
        porepId,
        miner: req.miner,
        sectorNumber: req.sectorNumber,
        ticket: req.ticket,
        commD,
      })
      await advance({ phase: 'parents', commD, replicaId })
    }
    const replicaId = state.replicaId!
    const graph = createGraph(params, porepId)

    // Phase 2: the parent cache (the same for every layer).
    if (state.phase === 'parents') {
      await buildParentCache(graph, store, paths.parents, chunk, signal, (done) =>
        progress('parents', 0, done),
      )
      await advance({ phase: 'labels', layer: 1, nodesDone: 0 })
    }

    // Phase 3: the layers, two in memory.
    if (state.phase === 'labels') {
      const parentsFile = await store.open(paths.parents)
      open.push(parentsFile)
      const ctx = labelContext(h, graph, replicaId)
      const pbuf = new Uint32Array(chunk * graph.degree)
      const pbytes = new Uint8Array(pbuf.buffer)
      let prev: Uint32Array | undefined
      let cur: Uint32Array | undefined = new Uint32Array(N * 8)
      for (let l = state.layer; l <= L; l++) {
        if (l > 1 && !prev) {
          prev = new Uint32Array(N * 8)
          await readWhole(store, paths.layer(l - 1), new Uint8Array(prev.buffer))
        }
        const start = state.layer === l ? state.nodesDone : 0
        const layerFile = await store.open(paths.layer(l), { create: true })
        open.push(layerFile)
        if (start > 0) await readExact(layerFile, 0, new Uint8Array(cur.buffer, 0, start * 32))
        for (let from = start; from < N; from += chunk) {
          signal?.throwIfAborted()
          const to = from + chunk
          await readExact(parentsFile, from * graph.degree * 4, pbytes)
          labelRange(ctx, l, cur, prev, from, to, pbuf)
          await layerFile.write(from * 32, new Uint8Array(cur.buffer, from * 32, chunk * 32))
          progress('labels', l, to)
          if (to < N && to % every === 0) {
            await layerFile.flush()
            await advance({ layer: l, nodesDone: to })
          }
        }
        await layerFile.flush()
        await layerFile.close()
        open.pop()
        await advance(l < L ? { layer: l + 1, nodesDone: 0 } : { phase: 'treeC', layer: 0, nodesDone: 0 })
        const spare: Uint32Array | undefined = prev
        prev = cur
        cur = spare ?? new Uint32Array(N * 8)
      }
      prev = undefined
      cur = undefined
    }

    // Phase 4: TreeC over the column hashes.
    if (state.phase === 'treeC') {
      const files: SectorFile[] = []
      for (let l = 1; l <= L; l++) {
        const f = await store.open(paths.layer(l))
        files.push(f)
        open.push(f)
      }
      const chunks = files.map(() => new Uint32Array(chunk * 8))
      const tree = new TreeBuilder(h, shape)
      for (let from = 0; from < N; from += chunk) {
        signal?.throwIfAborted()
        for (let l = 0; l < L; l++) await readExact(files[l]!, from * 32, new Uint8Array(chunks[l]!.buffer))
        tree.push(hashColumns(h, chunks, chunk), 0, chunk)
        progress('treeC', 0, from + chunk)
      }
      const commC = tree.finish()
      await writeWholeFile(store, paths.treeC, tree.cacheBytes())
      await advance({ phase: 'replica', commC })
    }

    // Phase 5: the replica R = D ⊕ K (K = layer L) and TreeR.
    if (state.phase === 'replica') {
      const keyFile = await store.open(paths.layer(L))
      open.push(keyFile)
      const replicaFile = await store.open(paths.replica, { create: true })
      open.push(replicaFile)
      await replicaFile.truncate(0)
      const key = new Uint32Array(chunk * 8)
      const keyBytes = new Uint8Array(key.buffer)
      const tree = new TreeBuilder(h, shape)
      for (let from = 0; from < N; from += chunk) {
        signal?.throwIfAborted()
        await readExact(dataFile, from * 32, bufBytes)
        await readExact(keyFile, from * 32, keyBytes)
        for (let i = 0; i < buf.length; i++) buf[i]! ^= key[i]!
        await replicaFile.write(from * 32, bufBytes)
        tree.push(buf, 0, chunk)
        progress('replica', 0, from + chunk)
      }
      await replicaFile.flush()
      const commRLast = tree.finish()
      await writeWholeFile(store, paths.treeR, tree.cacheBytes())
      const commC = state.commC!
      const info: SealedSectorInfo = {
        v: 1,
        porepId,
        miner: req.miner,
        sectorNumber: req.sectorNumber,
        ticketHeight: req.ticketHeight,
        ticket: req.ticket,
        commD: state.commD!,
        replicaId,
        commC,
        commRLast,
        commR: commROf(h, commC, commRLast),
      }
      await writeWholeFile(store, paths.meta, SealedSectorInfoType.encode(info))
      await advance({ phase: 'done', commRLast })
      progress('done', 0, N)
      return info
    }
    return readSealedInfo(store, req.sectorId)
  } finally {
    for (const f of open) await f.close().catch(() => undefined)
  }
}

async function readWhole(store: SectorStore, name: string, into: Uint8Array): Promise<void> {
  const f = await store.open(name)
  try {
    await readExact(f, 0, into)
  } finally {
    await f.close()
  }
}

/**
 * Write the parent cache (graph.degree u32 per node, platform byte order: it is a local temporary
 * file). ~0.5 µs per node, once per seal or unseal.
 */
export async function buildParentCache(
  graph: Graph,
  store: SectorStore,
  name: string,
  chunk: number,
  signal: AbortSignalLike | undefined,
  onChunk?: (done: number) => void,
): Promise<void> {
  const f = await store.open(name, { create: true })
  try {
    await f.truncate(0)
    const d = graph.degree
    const buf = new Uint32Array(chunk * d)
    for (let from = 0; from < graph.nodes; from += chunk) {
      signal?.throwIfAborted()
      for (let v = from; v < from + chunk; v++) graph.parentsOf(v, buf, (v - from) * d)
      await f.write(from * d * 4, new Uint8Array(buf.buffer))
      onChunk?.(from + chunk)
    }
    await f.flush()
  } finally {
    await f.close()
  }
}
