/**
 * Choosing the light client's trusted quorum set (PRODUCT §4.8): PageRank over the validators' trust
 * graph — the quorum sets they publish — and the default set = the top-ranked validators with a BFT
 * threshold. Pure and deterministic: the same reports and seeds give the same set on every device.
 *
 * The graph. One node per validator; an edge from each validator to every *other* validator in its
 * quorum set, weighted by that validator's share of the set: stellar-core's node weight (the fraction of
 * the source's slices that contain it, `getNodeWeight`), normalised so a validator's out-edges sum to 1.
 * Self-edges are dropped: a validator cannot raise its own rank by trusting itself.
 *
 * The walk. Personalised PageRank (Page et al., 1998; Haveliwala, "Topic-sensitive PageRank", 2002):
 * with probability `damping` follow an out-edge, otherwise restart at a *seed* (the validators the
 * client was pointed at: the app's configuration or the relays it dials). A validator's **score** is the
 * trust that flows into it from other validators — its stationary probability minus what it gets from
 * restarts — normalised to sum to 1. So a validator nobody else trusts scores 0, seeds included, and a
 * cluster that trusts only itself and is trusted by nobody reachable from a seed scores exactly 0 however
 * large it is. Seeds are unavoidable: no reputation function that treats all nodes alike can resist
 * sybils (Cheng and Friedman, "Sybilproof reputation mechanisms", 2005); without seeds the walk restarts
 * anywhere (classic PageRank) and a self-trusting cluster keeps its share.
 *
 * The choice. Validators are sorted by score (descending; equal scores — compared at 12 decimal
 * places, so float rounding cannot reorder them — by id); the trusted set is every validator whose
 * score is at least half the top score (TRUST_CUTOFF_RATIO), at most MAX_TRUSTED_VALIDATORS of them,
 * with stellar-core's BFT threshold n − ⌊(n − 1)/3⌋ (4 → 3, 7 → 5, 21 → 15): any ⌊(n − 1)/3⌋ of them
 * may fail or lie and a slice remains.
 *
 * Reports come from relays, which may lie: `attestedQuorumSets` keeps only quorum sets whose hash a
 * validator signed itself (the `commitQuorumSetHash` of its EXTERNALIZE statements), so a relay cannot
 * put words in an honest validator's mouth; it can only add validators of its own, which the seeds
 * decide about.
 */
import { equalBytes, toHex } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import type { Ed25519 } from '../crypto/ed25519.js'
import { parseValidatorId } from '../crypto/strkey.js'
import { EnvelopeMessage, QuorumSetMessage, statementSignatureBase } from '../scp/codec.js'
import { allNodes, isQuorumSetSane } from '../scp/quorum.js'
import type { NodeId, QuorumSet } from '../scp/types.js'
import { getNodeWeight } from '../scp/weights.js'

/** Probability of following an edge rather than restarting: Page et al.'s 0.85. */
export const PAGERANK_DAMPING = 0.85
/** The walk stops when an iteration moves less than this much probability in total (L1)... */
export const PAGERANK_TOLERANCE = 1e-12
/** ... or after this many iterations (0.85^200 ≈ 8·10⁻¹⁵: converged for any graph). */
export const PAGERANK_MAX_ITERATIONS = 200
/**
 * The trusted set holds at most 21 validators: Stellar's tier 1 (7 organisations × 3 validators) is
 * the largest set of top validators a real SCP network has needed, and 21 signatures verify in a
 * phone browser in a few milliseconds (BENCHMARKS.md §light).
 */
export const MAX_TRUSTED_VALIDATORS = 21
/** A validator is trusted by default when its score is at least this fraction of the top score. */
export const TRUST_CUTOFF_RATIO = 0.5
/** Scores are compared (and reported) at this many decimal places. */
const SCORE_DECIMALS = 1e12

/** BFT threshold for n validators: n − ⌊(n − 1)/3⌋, as stellar-core's generated quorum sets. */
export const bftThreshold = (n: number): number => n - Math.floor((n - 1) / 3)

/** A validator and the quorum set it publishes. */
export interface ReportedQuorumSet {
  id: NodeId
  quorumSet: QuorumSet
}

export interface TrustEdge {
  to: NodeId
  /** Share of the source's trust, 0..1; a source's edges sum to 1. */
  weight: number
}

export interface TrustGraph {
  /** Every validator named (as a source or a target), sorted by id. */
  nodes: NodeId[]
  /** Out-edges by source; sources without edges (no report, or only themselves) are absent. */
  edges: Map<NodeId, TrustEdge[]>
}

/** Build the trust graph. A later report for the same id replaces an earlier one. */
export function trustGraph(reports: readonly ReportedQuorumSet[]): TrustGraph {
  const names = new Set<NodeId>()
  const edges = new Map<NodeId, TrustEdge[]>()
  for (const { id, quorumSet } of reports) {
    names.add(id)
    const targets = [...new Set(allNodes(quorumSet))].filter((v) => v !== id).sort()
    const raw = targets.map((to) => ({ to, w: Number(getNodeWeight(to, quorumSet, false)) }))
    const total = raw.reduce((s, e) => s + e.w, 0)
    for (const t of targets) names.add(t)
    if (total > 0)
      edges.set(
        id,
        raw.filter((e) => e.w > 0).map((e) => ({ to: e.to, weight: e.w / total })),
      )
    else edges.delete(id)
  }
  return { nodes: [...names].sort(), edges }
}

export interface PageRankOptions {
  /** Where the walk restarts; empty or absent: anywhere (classic PageRank). Unknown ids are ignored. */
  seeds?: readonly NodeId[]
  damping?: number
}

export interface RankedValidator {
  id: NodeId
  /** Trust received from other validators, normalised to sum to 1 (0: trusted by nobody reachable). */
  score: number
  /** Stationary probability of the walk (includes restarts at seeds). */
  rank: number
}

export interface PageRankResult {
  ranking: RankedValidator[]
  /** The seeds actually used (after dropping unknown ids), sorted. */
  seeds: NodeId[]
  iterations: number
}

const quantize = (x: number): number => Math.round(x * SCORE_DECIMALS) / SCORE_DECIMALS

/** Personalised PageRank over `graph`; the ranking is sorted by score, then id. */
export function pageRank(graph: TrustGraph, options: PageRankOptions = {}): PageRankResult {
  const d = options.damping ?? PAGERANK_DAMPING
  if (!(d >= 0 && d < 1)) throw new RangeError(`pageRank: expected 0 ≤ damping < 1, got ${d}`)
  const n = graph.nodes.length
  if (n === 0) return { ranking: [], seeds: [], iterations: 0 }
  const index = new Map(graph.nodes.map((id, i) => [id, i]))
  const seedIdx = [...new Set(options.seeds ?? [])]
    .map((s) => index.get(s))
    .filter((i): i is number => i !== undefined)
    .sort((a, b) => a - b)
  const restart = new Float64Array(n)
  if (seedIdx.length > 0) for (const i of seedIdx) restart[i] = 1 / seedIdx.length
  else restart.fill(1 / n)
  // Edges as flat arrays, sources in id order: the same floating-point sums on every platform.
  const out: { to: number; w: number }[][] = graph.nodes.map((id) =>
    (graph.edges.get(id) ?? []).map((e) => ({ to: index.get(e.to)!, w: e.weight })),
  )
  let rank = Float64Array.from(restart)
  let flow = new Float64Array(n)
  let iterations = 0
  while (iterations < PAGERANK_MAX_ITERATIONS) {
    iterations++
    const nextFlow = new Float64Array(n)
    let dangling = 0
    for (let u = 0; u < n; u++) {
      const edges = out[u]!
      if (edges.length === 0) dangling += rank[u]!
      else for (const e of edges) nextFlow[e.to]! += d * rank[u]! * e.w
    }
    // A validator with no out-edges hands its walk back to the seeds, like a restart.
    const next = new Float64Array(n)
    let delta = 0
    for (let v = 0; v < n; v++) {
      next[v] = (1 - d + d * dangling) * restart[v]! + nextFlow[v]!
      delta += Math.abs(next[v]! - rank[v]!)
    }
    rank = next
    flow = nextFlow
    if (delta < PAGERANK_TOLERANCE) break
  }
  let totalFlow = 0
  for (let v = 0; v < n; v++) totalFlow += flow[v]!
  const ranking = graph.nodes.map((id, v) => ({
    id,
    score: totalFlow > 0 ? quantize(flow[v]! / totalFlow) : 0,
    rank: quantize(rank[v]!),
  }))
  ranking.sort((a, b) => b.score - a.score || b.rank - a.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { ranking, seeds: seedIdx.map((i) => graph.nodes[i]!), iterations }
}

export interface TrustChoiceOptions extends PageRankOptions {
  maxValidators?: number
  cutoffRatio?: number
}

export interface TrustChoice {
  /** The default trusted quorum set: flat, BFT threshold; threshold 0 (never satisfied) when empty. */
  quorumSet: QuorumSet
  ranking: RankedValidator[]
  seeds: NodeId[]
  graph: TrustGraph
  damping: number
  cutoffRatio: number
  maxValidators: number
  iterations: number
}

/** Rank the validators and choose the default trusted quorum set (see the module comment). */
export function chooseTrustedQuorumSet(
  reports: readonly ReportedQuorumSet[],
  options: TrustChoiceOptions = {},
): TrustChoice {
  const graph = trustGraph(reports)
  const damping = options.damping ?? PAGERANK_DAMPING
  const maxValidators = options.maxValidators ?? MAX_TRUSTED_VALIDATORS
  const cutoffRatio = options.cutoffRatio ?? TRUST_CUTOFF_RATIO
  const pr = pageRank(graph, { damping, ...(options.seeds ? { seeds: options.seeds } : {}) })
  const top = pr.ranking[0]?.score ?? 0
  const chosen =
    top > 0
      ? pr.ranking
          .filter((r) => r.score > 0 && r.score >= top * cutoffRatio)
          .slice(0, maxValidators)
          .map((r) => r.id)
      : []
  const validators = chosen.sort()
  return {
    quorumSet: {
      threshold: validators.length > 0 ? bftThreshold(validators.length) : 0,
      validators,
      innerSets: [],
    },
    ranking: pr.ranking,
    seeds: pr.seeds,
    graph,
    damping,
    cutoffRatio,
    maxValidators,
    iterations: pr.iterations,
  }
}

export interface TrustExplanation {
  method: 'pagerank'
  /** One paragraph for people: how the set was chosen. */
  summary: string
  thresholdRule: string
  threshold: number
  damping: number
  cutoffRatio: number
  maxValidators: number
  seeds: NodeId[]
  validators: {
    id: NodeId
    score: number
    position: number
    chosen: boolean
    /** Validators whose quorum sets name this one, with the share of their trust it gets. */
    trustedBy: { id: NodeId; weight: number }[]
    /** How many validators this one trusts (0: its quorum set is unknown or unattested). */
    trusts: number
  }[]
}

/** The data behind "how it was chosen" in the UI. */
export function explainTrust(choice: TrustChoice): TrustExplanation {
  const chosen = new Set(choice.quorumSet.validators)
  const trustedBy = new Map<NodeId, { id: NodeId; weight: number }[]>()
  for (const [from, edges] of choice.graph.edges) {
    for (const e of edges) {
      const list = trustedBy.get(e.to) ?? []
      list.push({ id: from, weight: quantize(e.weight) })
      trustedBy.set(e.to, list)
    }
  }
  const n = choice.quorumSet.validators.length
  const top = choice.ranking[0]?.score ?? 0
  const summary =
    n === 0
      ? 'No validator is trusted by the others yet (no attested quorum sets reachable from the seeds), so no ledger can be accepted.'
      : `Ranked ${choice.ranking.length} validators by PageRank over the quorum sets they signed (damping ${choice.damping}, walks restarting at ${choice.seeds.length > 0 ? `${choice.seeds.length} seed validator(s)` : 'any validator'}). ` +
        `Trusted: the ${n} validator(s) scoring at least ${Math.round(choice.cutoffRatio * 100)}% of the top score (${top.toFixed(4)}), at most ${choice.maxValidators}; ` +
        `a ledger is accepted when ${choice.quorumSet.threshold} of them sign it (n − ⌊(n − 1)/3⌋, so ${n - choice.quorumSet.threshold} may fail or lie).`
  return {
    method: 'pagerank',
    summary,
    thresholdRule: 'n − ⌊(n − 1)/3⌋',
    threshold: choice.quorumSet.threshold,
    damping: choice.damping,
    cutoffRatio: choice.cutoffRatio,
    maxValidators: choice.maxValidators,
    seeds: choice.seeds,
    validators: choice.ranking.map((r, i) => ({
      id: r.id,
      score: r.score,
      position: i + 1,
      chosen: chosen.has(r.id),
      trustedBy: (trustedBy.get(r.id) ?? []).sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1)),
      trusts: choice.graph.edges.get(r.id)?.length ?? 0,
    })),
  }
}

// ---------------------------------------------------------------------------------------------
// Attestation: which reported quorum sets the validators signed themselves

/** A validator's own signed claim of its quorum set hash (from an EXTERNALIZE it signed). */
export interface QuorumSetAttestation {
  id: NodeId
  quorumSetHash: Uint8Array
  slot: bigint
}

/**
 * The quorum set hashes validators signed, from EXTERNALIZE envelopes (certificates). Envelopes that do
 * not decode, are not EXTERNALIZE, name no valid validator id or carry a bad signature are skipped; for
 * each validator the newest slot wins.
 */
export async function signedQuorumSetHashes(
  envelopes: readonly Uint8Array[],
  ctx: { networkId: Uint8Array; ed25519: Ed25519 },
): Promise<Map<NodeId, QuorumSetAttestation>> {
  const out = new Map<NodeId, QuorumSetAttestation>()
  const checks = envelopes.map(async (bytes) => {
    const e = EnvelopeMessage.tryDecode(bytes)
    if (!e.ok) return undefined
    const st = e.value.statement
    if (st.pledges.type !== 'externalize') return undefined
    let key: Uint8Array
    try {
      key = parseValidatorId(st.nodeId)
    } catch {
      return undefined
    }
    const ok = await ctx.ed25519.verify(key, statementSignatureBase(ctx.networkId, st), e.value.signature)
    return ok
      ? { id: st.nodeId, quorumSetHash: st.pledges.commitQuorumSetHash, slot: st.slotIndex }
      : undefined
  })
  for (const a of await Promise.all(checks)) {
    if (!a) continue
    const prev = out.get(a.id)
    if (!prev || a.slot > prev.slot) out.set(a.id, a)
  }
  return out
}

/**
 * Keep the reported quorum sets (canonical QuorumSet bytes) that decode, are sane, and hash to what
 * their validator signed. Reports of the same validator from several relays collapse into one.
 */
export function attestedQuorumSets(
  reports: readonly { id: NodeId; quorumSet: Uint8Array }[],
  attestations: ReadonlyMap<NodeId, QuorumSetAttestation>,
): { accepted: ReportedQuorumSet[]; rejected: { id: NodeId; reason: string }[] } {
  const accepted = new Map<NodeId, ReportedQuorumSet>()
  const rejected: { id: NodeId; reason: string }[] = []
  for (const r of reports) {
    if (accepted.has(r.id)) continue
    const a = attestations.get(r.id)
    if (!a) {
      rejected.push({ id: r.id, reason: 'no signed statement of this validator to check it against' })
      continue
    }
    if (!equalBytes(sha256(r.quorumSet), a.quorumSetHash)) {
      rejected.push({
        id: r.id,
        reason: `hash ${toHex(sha256(r.quorumSet)).slice(0, 12)}… is not the signed ${toHex(a.quorumSetHash).slice(0, 12)}…`,
      })
      continue
    }
    const d = QuorumSetMessage.tryDecode(r.quorumSet)
    if (!d.ok) {
      rejected.push({ id: r.id, reason: `does not decode: ${d.error.message}` })
      continue
    }
    const sane = isQuorumSetSane(d.value, false)
    if (!sane.ok) {
      rejected.push({ id: r.id, reason: sane.reason })
      continue
    }
    accepted.set(r.id, { id: r.id, quorumSet: d.value })
  }
  return { accepted: [...accepted.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), rejected }
}
