/**
 * The seal proof (interactive PoRep without SNARKs; docs/proofs.md §Seal proof, storage-proofs.md §3.3),
 * in Filecoin's PreCommit → WaitSeed → ProveCommit order:
 *
 * 1. PreCommit: the miner publishes (sector number, commD, commR, ticket height) at height h_p.
 * 2. Seed: the ledger hash at h_p + seedDelay, final and unknown when commR was fixed.
 * 3. ProveCommit: for each challenge c derived from (replicaId, seed), the proof opens the data node
 *    (TreeD), the replica node (TreeR), and the columns of c and of its 14 parents (TreeC). The
 *    verifier recomputes every layer's label of c from the parents' columns and checks R_c = D_c ⊕ K_c
 *    (Filecoin spec `sdr` §Vanilla PoRep; its SNARK proves the same checks).
 */
import type { AbortSignalLike } from '../abort.js'
import { equalBytes } from '../codec/bytes.js'
import { proofCodecs, type SealChallengeProof, type SealProof } from './codecs.js'
import { columnHash, commROf, replicaIdOf, sealChallenges } from './derive.js'
import { HasherMismatchError } from './errors.js'
import { createGraph } from './graph.js'
import type { Hasher } from './hasher.js'
import { labelOf } from './labels.js'
import { cacheBytes, openLeaf, type TreeShape, treeShape, verifyOpening } from './merkle.js'
import { depthOf, nodesOf, type ProofParams, porepIdOf } from './params.js'
import { OK, reject, type SealRejection, type SealVerifyResult } from './results.js'
import { columnTree, fileTree, readSealedInfo, sectorPaths } from './sector.js'
import type { SectorStore } from './store.js'

export interface SealSeed {
  /** Ledger height the seed was taken at (preCommitHeight + seedDelay). */
  readonly height: bigint
  /** The ledger hash at that height. */
  readonly hash: Uint8Array
}

/** The tree shape a stored cache was written with (its size identifies the rows discarded). */
export async function storedShape(store: SectorStore, name: string, leaves: number): Promise<TreeShape> {
  const f = await store.open(name)
  try {
    const size = await f.size()
    const depth = 31 - Math.clz32(leaves)
    for (let r = 1; r <= depth; r++) {
      const s = treeShape(leaves, r)
      if (cacheBytes(s) === size) return s
    }
    throw new RangeError(`merkle: ${name} has ${size} bytes, not a tree cache for ${leaves} leaves`)
  } finally {
    await f.close()
  }
}

/** Build the seal proof of a sealed sector (its layers, data and TreeC/TreeD must still be stored). */
export async function proveSeal(
  h: Hasher,
  store: SectorStore,
  sectorId: string,
  params: ProofParams,
  seed: SealSeed,
  options: { signal?: AbortSignalLike } = {},
): Promise<SealProof> {
  if (h.algorithm !== params.hash)
    throw new HasherMismatchError(`proveSeal: expected a ${params.hash} hasher`)
  const info = await readSealedInfo(store, sectorId)
  const porepId = porepIdOf(params)
  if (!equalBytes(info.porepId, porepId))
    throw new HasherMismatchError(`proveSeal: sector ${sectorId} was sealed with other parameters`)
  const N = nodesOf(params)
  const paths = sectorPaths(sectorId)
  const graph = createGraph(params, porepId)
  const dTree = await fileTree(store, await storedShape(store, paths.treeD, N), paths.data, paths.treeD)
  const rTree = await fileTree(store, await storedShape(store, paths.treeR, N), paths.replica, paths.treeR)
  const cTree = await columnTree(h, store, await storedShape(store, paths.treeC, N), params.layers, sectorId)
  try {
    const parents = new Array<number>(graph.degree)
    const challenges: SealChallengeProof[] = []
    for (const c of sealChallenges(params, info.replicaId, seed.hash)) {
      options.signal?.throwIfAborted()
      graph.parentsOf(c, parents, 0)
      const columnOpening = async (v: number) => ({
        labels: await cTree.column(v),
        path: (await openLeaf(h, cTree, v)).path,
      })
      const parentColumns = []
      for (const p of parents) parentColumns.push(await columnOpening(p))
      challenges.push({
        node: c,
        data: await openLeaf(h, dTree, c),
        replica: await openLeaf(h, rTree, c),
        column: await columnOpening(c),
        parents: parentColumns,
      })
    }
    return {
      v: 1,
      porepId,
      miner: info.miner,
      sectorNumber: info.sectorNumber,
      ticketHeight: info.ticketHeight,
      ticket: info.ticket,
      replicaId: info.replicaId,
      commD: info.commD,
      commC: info.commC,
      commRLast: info.commRLast,
      commR: info.commR,
      seedHeight: seed.height,
      seed: seed.hash,
      challenges,
    }
  } finally {
    await dTree.close()
    await rTree.close()
    await cTree.close()
  }
}

/** What the ledger knows when it judges a seal proof. */
export interface SealVerifyContext {
  readonly params: ProofParams
  /** The account that submitted the proof (ProveCommit signer). */
  readonly miner: Uint8Array
  /** The sector's pre-commitment as the ledger recorded it, and the height it was included at. */
  readonly precommit: {
    readonly sectorNumber: bigint
    readonly commD: Uint8Array
    readonly commR: Uint8Array
    readonly ticketHeight: bigint
    readonly height: bigint
  }
  /** The finalized ledger hash at `height`, or undefined when that height is not final (yet). */
  ledgerHash(height: bigint): Uint8Array | undefined
  /** Largest age of the ticket at pre-commit, in ledgers (storage-proofs.md §3.2: about 24 h). */
  readonly ticketLookback: bigint
  /** The seed is the ledger hash at precommit.height + seedDelay (≥ finality depth). */
  readonly seedDelay: bigint
  /** True when a sector with this replica id was already proven (a replica is registered once). */
  isReplicaKnown(replicaId: Uint8Array): boolean
}

/**
 * Judge a seal proof (bytes from a peer, or an already decoded proof). Never throws on peer input:
 * the result names the first failed rule (results.ts).
 */
export function verifySeal(
  h: Hasher,
  proof: Uint8Array | SealProof,
  ctx: SealVerifyContext,
): SealVerifyResult {
  const p = ctx.params
  if (h.algorithm !== p.hash) throw new HasherMismatchError(`verifySeal: expected a ${p.hash} hasher`)
  let sp: SealProof
  if (proof instanceof Uint8Array) {
    const r = proofCodecs(p).sealProof.tryDecode(proof)
    if (!r.ok) return reject<SealRejection>('malformedProof', `${r.error.name}: ${r.error.message}`)
    sp = r.value
  } else {
    sp = proof
  }
  const pre = ctx.precommit
  const porepId = porepIdOf(p)
  if (!equalBytes(sp.porepId, porepId)) return reject('wrongParams', 'proof is for another PoRep id')
  if (!equalBytes(sp.miner, ctx.miner))
    return reject('wrongMiner', 'proof names another miner than its submitter')
  if (sp.sectorNumber !== pre.sectorNumber)
    return reject(
      'wrongSector',
      `proof is for sector ${sp.sectorNumber}, pre-commitment for ${pre.sectorNumber}`,
    )
  if (!equalBytes(sp.commD, pre.commD))
    return reject('wrongCommitment', 'commD differs from the pre-commitment')
  if (!equalBytes(sp.commR, pre.commR))
    return reject('wrongCommitment', 'commR differs from the pre-commitment')
  if (sp.ticketHeight !== pre.ticketHeight)
    return reject('wrongTicket', 'ticket height differs from the pre-commitment')
  const ticket = ctx.ledgerHash(sp.ticketHeight)
  if (!ticket || !equalBytes(ticket, sp.ticket))
    return reject('wrongTicket', `ticket is not the finalized ledger hash at ${sp.ticketHeight}`)
  if (sp.ticketHeight >= pre.height || pre.height - sp.ticketHeight > ctx.ticketLookback)
    return reject(
      'ticketExpired',
      `ticket at ${sp.ticketHeight} is outside the lookback of ${ctx.ticketLookback} before ${pre.height}`,
    )
  const replicaId = replicaIdOf({
    porepId,
    miner: sp.miner,
    sectorNumber: sp.sectorNumber,
    ticket: sp.ticket,
    commD: sp.commD,
  })
  if (!equalBytes(replicaId, sp.replicaId))
    return reject('replicaIdMismatch', 'replicaId is not derived from this miner, sector, ticket and commD')
  if (ctx.isReplicaKnown(replicaId))
    return reject('ticketReused', 'a sector with this replica id was already proven')
  const seedHeight = pre.height + ctx.seedDelay
  if (sp.seedHeight !== seedHeight)
    return reject('wrongSeed', `seed height ${sp.seedHeight}, expected ${seedHeight}`)
  const seed = ctx.ledgerHash(seedHeight)
  if (!seed) return reject('wrongSeed', `ledger ${seedHeight} is not final yet`)
  if (!equalBytes(seed, sp.seed)) return reject('wrongSeed', `seed is not the ledger hash at ${seedHeight}`)
  if (!equalBytes(commROf(h, sp.commC, sp.commRLast), sp.commR))
    return reject('wrongCommitment', 'commR is not H(commC ‖ commRLast)')

  const expected = sealChallenges(p, replicaId, sp.seed)
  for (let j = 0; j < expected.length; j++) {
    if (sp.challenges[j]?.node !== expected[j])
      return reject(
        'wrongChallengeSet',
        `challenge ${j} opens node ${sp.challenges[j]?.node}, expected ${expected[j]}`,
        { at: j },
      )
  }

  const depth = depthOf(p)
  const L = p.layers
  const graph = createGraph(p, porepId)
  const parents = new Array<number>(graph.degree)
  const base = graph.baseDegree
  for (let j = 0; j < sp.challenges.length; j++) {
    const ch = sp.challenges[j]!
    const c = ch.node
    if (!verifyOpening(h, sp.commD, depth, c, ch.data.leaf, ch.data.path))
      return reject('wrongOpening', `challenge ${j}: data node ${c} does not open to commD`, {
        at: j,
        tree: 'D',
      })
    if (!verifyOpening(h, sp.commRLast, depth, c, ch.replica.leaf, ch.replica.path))
      return reject('wrongOpening', `challenge ${j}: replica node ${c} does not open to commRLast`, {
        at: j,
        tree: 'R',
      })
    if (!verifyOpening(h, sp.commC, depth, c, columnHash(h, ch.column.labels), ch.column.path))
      return reject('wrongOpening', `challenge ${j}: column ${c} does not open to commC`, {
        at: j,
        tree: 'C',
      })
    graph.parentsOf(c, parents, 0)
    for (let k = 0; k < parents.length; k++) {
      const col = ch.parents[k]!
      if (!verifyOpening(h, sp.commC, depth, parents[k]!, columnHash(h, col.labels), col.path))
        return reject(
          'wrongOpening',
          `challenge ${j}: parent ${k} (column ${parents[k]}) does not open to commC`,
          {
            at: j,
            tree: 'C',
          },
        )
    }
    const labelAt = (labels: Uint8Array, l: number) => labels.subarray((l - 1) * 32, l * 32)
    for (let l = 1; l <= L; l++) {
      const baseLabels = ch.parents.slice(0, base).map((col) => labelAt(col.labels, l))
      const expLabels = l > 1 ? ch.parents.slice(base).map((col) => labelAt(col.labels, l - 1)) : []
      const want = labelOf(h, replicaId, l, c, baseLabels, expLabels)
      if (!equalBytes(want, labelAt(ch.column.labels, l)))
        return reject(
          'wrongLabel',
          `challenge ${j}: label of node ${c} in layer ${l} does not match its parents`,
          { at: j },
        )
    }
    const key = labelAt(ch.column.labels, L)
    for (let i = 0; i < 32; i++) {
      if (ch.replica.leaf[i] !== (ch.data.leaf[i]! ^ key[i]!))
        return reject('wrongEncoding', `challenge ${j}: replica node ${c} is not data ⊕ key`, { at: j })
    }
  }
  return OK
}

/** Encode a seal proof for the wire. */
export function encodeSealProof(params: ProofParams, proof: SealProof): Uint8Array {
  return proofCodecs(params).sealProof.encode(proof)
}
