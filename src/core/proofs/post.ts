/**
 * Proof of spacetime: windowed, chained openings with a check-in (docs/proofs.md §PoSt;
 * storage-proofs.md §3.4).
 *
 * - The proving period is split into windows; a node proves each window once, for all its active
 *   sectors, at a moment it chooses (browser tabs are online part of the day).
 * - It first checks in (a ledger transaction at height h0). The seed s_0 binds prover, window, the
 *   ledger hash at h0 + 1 (the beacon, unknown at check-in: no waiting for lucky randomness), the
 *   digest of its previous proof (proofs form a hash chain across windows) and the sector set.
 * - Round j opens leaf (s_j ≫ 64) mod N of sector s_j mod n in TreeR, and s_{j+1} = H(s_j ‖ R[leaf] ‖
 *   sector): each round needs the bytes of the previous one, so the rounds cannot run in parallel, and
 *   a prover who regenerates sectors on demand must regenerate them one after the other.
 * - The proof must be included by h0 + 1 + Δ (Δ = a few ledgers); a wrong or late proof is fault
 *   evidence (evidence.ts).
 */
import type { AbortSignalLike } from '../abort.js'
import { equalBytes } from '../codec/bytes.js'
import { type PoStProof, postDigest, proofCodecs } from './codecs.js'
import { commROf, postChallenge, postNext, postSeed, sectorSetDigest } from './derive.js'
import { HasherMismatchError } from './errors.js'
import type { Hasher } from './hasher.js'
import { openLeaf, type StoredTree, verifyOpening } from './merkle.js'
import { depthOf, nodesOf, type ProofParams, porepIdOf, postRounds } from './params.js'
import { storedShape } from './porep.js'
import { OK, type PoStRejection, type PoStVerifyResult, reject } from './results.js'
import { fileTree, readSealedInfo, sectorPaths } from './sector.js'
import type { SectorStore } from './store.js'

/**
 * Window policy (ledger heights). Defaults assume ~5 s ledgers: 4 windows a day of 6 h
 * (storage-proofs.md §3.4: W = 4 is the minimum worth shipping with BLAKE3) and Δ = 12 ledgers
 * (≈ 60 s). The ledger issue owns the final numbers.
 */
export interface PoStPolicy {
  readonly windowLedgers: bigint
  readonly responseLedgers: bigint
}
export const DEFAULT_POST_POLICY: PoStPolicy = Object.freeze({ windowLedgers: 4320n, responseLedgers: 12n })

/** The window a height belongs to, and its bounds [start, end). */
export function postWindowOf(height: bigint, policy: PoStPolicy = DEFAULT_POST_POLICY) {
  const window = height / policy.windowLedgers
  return { window, start: window * policy.windowLedgers, end: (window + 1n) * policy.windowLedgers }
}

export interface PoStRequest {
  readonly params: ProofParams
  readonly prover: Uint8Array
  readonly window: bigint
  readonly checkInHeight: bigint
  /** Ledger hash at checkInHeight + 1. */
  readonly beacon: Uint8Array
  /** Digest of the prover's previous accepted PoSt (GENESIS_POST_DIGEST for the first). */
  readonly prevDigest: Uint8Array
  /** Store names of the active sectors, in the ledger's order (ascending sector number). */
  readonly sectorIds: readonly string[]
}

/** Sector trees a prover keeps open at once. */
const OPEN_TREES = 16

export interface PoStProgress {
  readonly type: 'post'
  readonly round: number
  readonly rounds: number
}

/** Build a PoSt over the replicas in `store`. */
export async function provePoSt(
  h: Hasher,
  store: SectorStore,
  req: PoStRequest,
  options: { signal?: AbortSignalLike; onProgress?: (p: PoStProgress) => void } = {},
): Promise<PoStProof> {
  const p = req.params
  if (h.algorithm !== p.hash) throw new HasherMismatchError(`provePoSt: expected a ${p.hash} hasher`)
  const porepId = porepIdOf(p)
  const N = nodesOf(p)
  const infos = []
  for (const id of req.sectorIds) infos.push(await readSealedInfo(store, id))
  const n = infos.length
  if (n === 0) throw new RangeError('provePoSt: no sectors')
  const rounds = postRounds(p, n)
  // Open trees, least recently used first; a few are kept open (a node may have hundreds of sectors,
  // and OPFS holds one sync handle per open file).
  const trees = new Map<number, StoredTree & { close(): Promise<void> }>()
  const touched = new Set<number>()
  const commitments: PoStProof['commitments'] = []
  const openings: PoStProof['openings'] = []
  const sectorSet = sectorSetDigest(infos)
  let s = postSeed({
    porepId,
    prover: req.prover,
    window: req.window,
    checkInHeight: req.checkInHeight,
    beacon: req.beacon,
    prevDigest: req.prevDigest,
    sectorSet,
  })
  try {
    for (let j = 0; j < rounds; j++) {
      options.signal?.throwIfAborted()
      const { sector, leaf } = postChallenge(s, n, N)
      let tree = trees.get(sector)
      if (tree) trees.delete(sector)
      else {
        const paths = sectorPaths(req.sectorIds[sector]!)
        tree = await fileTree(store, await storedShape(store, paths.treeR, N), paths.replica, paths.treeR)
        if (trees.size >= OPEN_TREES) {
          const [oldest, t] = trees.entries().next().value!
          trees.delete(oldest)
          await t.close()
        }
      }
      trees.set(sector, tree)
      if (!touched.has(sector)) {
        touched.add(sector)
        commitments.push({ commC: infos[sector]!.commC, commRLast: infos[sector]!.commRLast })
      }
      const o = await openLeaf(h, tree, leaf)
      openings.push(o)
      s = postNext(h, s, o.leaf, sector)
      options.onProgress?.({ type: 'post', round: j + 1, rounds })
    }
  } finally {
    for (const t of trees.values()) await t.close()
  }
  return {
    v: 1,
    porepId,
    prover: req.prover,
    window: req.window,
    checkInHeight: req.checkInHeight,
    beacon: req.beacon,
    prevDigest: req.prevDigest,
    sectorSet,
    commitments,
    openings,
  }
}

/** What the ledger knows when it judges a PoSt. */
export interface PoStVerifyContext {
  readonly params: ProofParams
  /** The account that submitted (signed) the proof. */
  readonly prover: Uint8Array
  /** The window being proven and its bounds [windowStart, windowEnd). */
  readonly window: bigint
  readonly windowStart: bigint
  readonly windowEnd: bigint
  /** Height of the prover's check-in for this window. */
  readonly checkInHeight: bigint
  /** Finalized ledger hash at a height, undefined when not final (yet). */
  ledgerHash(height: bigint): Uint8Array | undefined
  /** Digest of the prover's previous accepted PoSt. */
  readonly prevDigest: Uint8Array
  /** The prover's active sectors, in order. */
  readonly sectors: readonly { readonly sectorNumber: bigint; readonly commR: Uint8Array }[]
  /** Height at which the proof was included (or received). */
  readonly inclusionHeight: bigint
  /** Δ: the proof is due by checkInHeight + 1 + responseLedgers. */
  readonly responseLedgers: bigint
}

/** Judge a PoSt. Never throws on peer input. */
export function verifyPoSt(
  h: Hasher,
  proof: Uint8Array | PoStProof,
  ctx: PoStVerifyContext,
): PoStVerifyResult {
  const p = ctx.params
  if (h.algorithm !== p.hash) throw new HasherMismatchError(`verifyPoSt: expected a ${p.hash} hasher`)
  let pp: PoStProof
  if (proof instanceof Uint8Array) {
    const r = proofCodecs(p).postProof.tryDecode(proof)
    if (!r.ok) return reject<PoStRejection>('malformedProof', `${r.error.name}: ${r.error.message}`)
    pp = r.value
  } else {
    pp = proof
  }
  const porepId = porepIdOf(p)
  if (!equalBytes(pp.porepId, porepId)) return reject('wrongParams', 'proof is for another PoRep id')
  if (!equalBytes(pp.prover, ctx.prover))
    return reject('wrongProver', 'proof names another prover than its submitter')
  if (pp.window !== ctx.window)
    return reject('wrongWindow', `proof is for window ${pp.window}, expected ${ctx.window}`)
  if (
    pp.checkInHeight !== ctx.checkInHeight ||
    ctx.checkInHeight < ctx.windowStart ||
    ctx.checkInHeight >= ctx.windowEnd
  )
    return reject(
      'wrongWindow',
      `check-in at ${pp.checkInHeight} is not the prover's check-in in [${ctx.windowStart}, ${ctx.windowEnd})`,
    )
  const deadline = ctx.checkInHeight + 1n + ctx.responseLedgers
  if (ctx.inclusionHeight > deadline)
    return reject('lateProof', `included at ${ctx.inclusionHeight}, due by ${deadline}`)
  const beacon = ctx.ledgerHash(ctx.checkInHeight + 1n)
  if (!beacon || !equalBytes(beacon, pp.beacon))
    return reject('wrongSeed', `beacon is not the ledger hash at ${ctx.checkInHeight + 1n}`)
  if (!equalBytes(pp.prevDigest, ctx.prevDigest))
    return reject('wrongPrevDigest', 'prevDigest is not the previous proof')
  const n = ctx.sectors.length
  if (n === 0 || !equalBytes(pp.sectorSet, sectorSetDigest(ctx.sectors)))
    return reject('wrongSectorSet', 'sector set differs from the active sectors')
  const rounds = postRounds(p, n)
  if (pp.openings.length !== rounds)
    return reject('wrongChallengeCount', `${pp.openings.length} rounds, expected ${rounds}`)

  const N = nodesOf(p)
  const depth = depthOf(p)
  const firstTouch = new Map<number, number>()
  let s = postSeed({
    porepId,
    prover: pp.prover,
    window: pp.window,
    checkInHeight: pp.checkInHeight,
    beacon: pp.beacon,
    prevDigest: pp.prevDigest,
    sectorSet: pp.sectorSet,
  })
  for (let j = 0; j < rounds; j++) {
    const { sector, leaf } = postChallenge(s, n, N)
    let ci = firstTouch.get(sector)
    if (ci === undefined) {
      ci = firstTouch.size
      const c = pp.commitments[ci]
      if (!c)
        return reject('wrongChallengeCount', `round ${j}: no commitment for sector ${sector}`, { at: j })
      if (!equalBytes(commROf(h, c.commC, c.commRLast), ctx.sectors[sector]!.commR))
        return reject(
          'wrongCommitment',
          `round ${j}: H(commC ‖ commRLast) is not commR of sector ${sector}`,
          { at: j },
        )
      firstTouch.set(sector, ci)
    }
    const o = pp.openings[j]!
    if (!verifyOpening(h, pp.commitments[ci]!.commRLast, depth, leaf, o.leaf, o.path))
      return reject(
        'wrongOpening',
        `round ${j}: leaf ${leaf} of sector ${sector} does not open to commRLast`,
        { at: j, tree: 'R' },
      )
    s = postNext(h, s, o.leaf, sector)
  }
  if (pp.commitments.length !== firstTouch.size)
    return reject(
      'wrongChallengeCount',
      `${pp.commitments.length} commitments, ${firstTouch.size} sectors touched`,
    )
  return OK
}

/** Encode a PoSt and compute the digest the next window chains to. */
export function encodePoSt(params: ProofParams, proof: PoStProof): { bytes: Uint8Array; digest: Uint8Array } {
  const bytes = proofCodecs(params).postProof.encode(proof)
  return { bytes, digest: postDigest(bytes) }
}
