/**
 * Quorum-set utilities: slices, v-blocking sets, quorums, sanity and normalisation.
 *
 * Ports of stellar-core `src/scp/LocalNode.cpp` (isQuorumSlice, isVBlocking, isQuorum,
 * findClosestVBlocking, forAllNodes) and `src/scp/QuorumSetUtils.cpp` (isQuorumSetSane,
 * normalizeQSet), including their edge cases on insane sets (noted inline). Paper §3 defines slices,
 * quorums and v-blocking sets; draft-05 §3.1 the quorum and blocking thresholds.
 */
import type { NodeId, QuorumSet } from './types.js'

/** stellar-core `MAXIMUM_QUORUM_NESTING_LEVEL` (QuorumSetUtils.cpp): the top level is depth 0. */
export const MAXIMUM_QUORUM_NESTING_LEVEL = 4
/** stellar-core `QuorumSetSanityChecker`: the whole tree names between 1 and 1000 validators. */
export const MAXIMUM_QUORUM_SET_VALIDATORS = 1000

/** Anything with a `has`, so callers can pass a Set or a Map of nodes without copying. */
export interface NodeLookup {
  has(node: NodeId): boolean
}

function toLookup(nodes: Iterable<NodeId>): NodeLookup {
  if (nodes instanceof Set || nodes instanceof Map) return nodes
  return new Set(nodes)
}

/** `LocalNode::forAllNodes`: validators first, then inner sets depth-first; stops when `fn` returns false. */
export function forAllNodes(q: QuorumSet, fn: (node: NodeId) => boolean): boolean {
  for (const v of q.validators) if (!fn(v)) return false
  for (const inner of q.innerSets) if (!forAllNodes(inner, fn)) return false
  return true
}

/** Every node named in `q`, in `forAllNodes` order (duplicates kept). */
export function allNodes(q: QuorumSet): NodeId[] {
  const out: NodeId[] = []
  forAllNodes(q, (n) => {
    out.push(n)
    return true
  })
  return out
}

/** `LocalNode::getSingletonQSet`: {t: 1, [node]}, the qset attached to an EXTERNALIZE statement. */
export function singletonQuorumSet(node: NodeId): QuorumSet {
  return { threshold: 1, validators: [node], innerSets: [] }
}

/**
 * `LocalNode::isQuorumSliceInternal`: `nodes` satisfies `q` when `threshold` of its entries
 * (validators in `nodes`, inner sets recursively satisfied) are met. stellar-core counts down an
 * unsigned threshold, so a threshold of 0 is never met (the counter wraps instead of reaching 0).
 */
export function isSliceOf(q: QuorumSet, nodes: NodeLookup): boolean {
  const t = q.threshold
  if (t <= 0) return false
  let left = t
  for (const v of q.validators) {
    if (nodes.has(v) && --left === 0) return true
  }
  for (const inner of q.innerSets) {
    if (isSliceOf(inner, nodes) && --left === 0) return true
  }
  return false
}

/** Public form of {@link isSliceOf}: does `nodes` contain a slice of `q`? */
export function isQuorumSlice(q: QuorumSet, nodes: Iterable<NodeId>): boolean {
  return isSliceOf(q, toLookup(nodes))
}

/**
 * `LocalNode::isVBlockingInternal`: `nodes` is v-blocking for `q` when it meets
 * `|entries| − threshold + 1` entries (draft-05 §3.1 "exceeds n − k"). A threshold of 0 has no
 * blocking set.
 */
export function isBlockingFor(q: QuorumSet, nodes: NodeLookup): boolean {
  if (q.threshold === 0) return false
  let left = 1 + q.validators.length + q.innerSets.length - q.threshold
  for (const v of q.validators) {
    if (nodes.has(v) && --left <= 0) return true
  }
  for (const inner of q.innerSets) {
    if (isBlockingFor(inner, nodes) && --left <= 0) return true
  }
  return false
}

/** Public form of {@link isBlockingFor}: is `nodes` v-blocking for `q`? */
export function isVBlocking(q: QuorumSet, nodes: Iterable<NodeId>): boolean {
  return isBlockingFor(q, toLookup(nodes))
}

/*
 * `LocalNode::isQuorum` and `isVBlocking(qset, map, filter)` run on compiled quorum sets and
 * membership arrays: see `Slot.isQuorumWhere`, `Slot.isVBlockingWhere` and the compiled helpers below.
 */

/**
 * `LocalNode::findClosestVBlocking`: a small (greedy) list of nodes from `good` whose failure, with
 * every node outside `good`, would block `q`; empty when `q` is already blocked. `excluded` is
 * skipped altogether. Used for the `fail_at` figure of a quorum report.
 */
export function findClosestVBlocking(q: QuorumSet, good: Iterable<NodeId>, excluded?: NodeId): NodeId[] {
  return closestVBlocking(q, toLookup(good), excluded)
}

function closestVBlocking(q: QuorumSet, good: NodeLookup, excluded: NodeId | undefined): NodeId[] {
  // stellar-core computes this in size_t: a threshold above |entries| + 1 wraps to a huge count.
  let left = 1 + q.validators.length + q.innerSets.length - q.threshold
  if (left <= 0) left = Number.POSITIVE_INFINITY
  const res: NodeId[] = []
  for (const v of q.validators) {
    if (excluded !== undefined && v === excluded) continue
    if (!good.has(v)) {
      if (--left === 0) return [] // already blocked
    } else {
      res.push(v) // save for later
    }
  }
  const internals: NodeId[][] = []
  for (const inner of q.innerSets) {
    const v = closestVBlocking(inner, good, excluded)
    if (v.length === 0) {
      if (--left === 0) return []
    } else {
      internals.push(v)
    }
  }
  // use the top-level validators to get closer, then the smallest inner sets first (a stable sort,
  // like stellar-core's multiset ordered by size)
  if (res.length > left) res.length = left
  left -= res.length
  internals.sort((a, b) => a.length - b.length)
  for (const v of internals) {
    if (left === 0) break
    res.push(...v)
    left--
  }
  return res
}

export type SanityResult = { ok: true } | { ok: false; reason: string }

/**
 * `isQuorumSetSane` (QuorumSetUtils.cpp). Checks, in stellar-core's order: nesting depth ≤ 4,
 * threshold ≥ 1, threshold ≤ entries, (extraChecks) threshold ≥ v-blocking size, no duplicate node,
 * and 1..1000 validators over the whole tree. Reasons are stellar-core's messages.
 */
export function isQuorumSetSane(q: QuorumSet, extraChecks: boolean): SanityResult {
  const known = new Set<NodeId>()
  let count = 0
  const check = (qs: QuorumSet, depth: number): string | undefined => {
    if (!isWellFormed(qs)) return 'Malformed quorum set'
    if (depth > MAXIMUM_QUORUM_NESTING_LEVEL) return 'Maximum quorum nesting level exceeded'
    if (qs.threshold < 1) return 'Threshold must be greater than 0'
    const entries = qs.validators.length + qs.innerSets.length
    const vBlockingSize = entries - qs.threshold + 1
    count += qs.validators.length
    if (qs.threshold > entries) return 'Threshold exceeds total number of entries'
    if (extraChecks && qs.threshold < vBlockingSize) {
      return 'Threshold is lower than the v-blocking size (< 51%).'
    }
    for (const n of qs.validators) {
      if (known.has(n)) return 'Duplicate node found in quorum configuration'
      known.add(n)
    }
    for (const inner of qs.innerSets) {
      const r = check(inner, depth + 1)
      if (r !== undefined) return r
    }
    return undefined
  }
  const reason = check(q, 0)
  if (reason !== undefined) return { ok: false, reason }
  if (count < 1 || count > MAXIMUM_QUORUM_SET_VALIDATORS) {
    return { ok: false, reason: 'Total number of nodes in a quorum must be within 1 and 1000' }
  }
  return { ok: true }
}

// ---- compiled quorum sets (the hot path of federated voting) ----

/** A quorum set with node ids replaced by indexes into a node table (−1: never present). */
export interface CompiledQuorumSet {
  readonly t: number
  readonly v: Int32Array
  readonly inner: readonly CompiledQuorumSet[]
}

/** Small integer indexes for node ids, so membership is an array lookup instead of a string hash. */
export class NodeTable {
  private readonly map = new Map<NodeId, number>()

  of(id: NodeId): number {
    let i = this.map.get(id)
    if (i === undefined) {
      i = this.map.size
      this.map.set(id, i)
    }
    return i
  }

  get size(): number {
    return this.map.size
  }
}

export function compileQuorumSet(q: QuorumSet, table: NodeTable): CompiledQuorumSet {
  return {
    t: q.threshold,
    v: Int32Array.from(q.validators, (id) => table.of(id)),
    inner: q.innerSets.map((s) => compileQuorumSet(s, table)),
  }
}

/** {@link isSliceOf} over a membership array (mark[i] = 1 if node i is in the set). */
export function sliceIn(q: CompiledQuorumSet, mark: Uint8Array): boolean {
  const t = q.t
  if (t <= 0) return false
  let left = t
  const v = q.v
  for (let i = 0; i < v.length; i++) {
    if (mark[v[i]!] === 1 && --left === 0) return true
  }
  for (const inner of q.inner) {
    if (sliceIn(inner, mark) && --left === 0) return true
  }
  return false
}

/** {@link isBlockingFor} over a membership array. */
export function blockingIn(q: CompiledQuorumSet, mark: Uint8Array): boolean {
  if (q.t === 0) return false
  let left = 1 + q.v.length + q.inner.length - q.t
  const v = q.v
  for (let i = 0; i < v.length; i++) {
    if (mark[v[i]!] === 1 && --left <= 0) return true
  }
  for (const inner of q.inner) {
    if (blockingIn(inner, mark) && --left <= 0) return true
  }
  return false
}

/** Shape check for a quorum set that came from outside the type system (peer or config input). */
function isWellFormed(q: QuorumSet): boolean {
  return (
    typeof q === 'object' &&
    q !== null &&
    Number.isInteger(q.threshold) &&
    q.threshold >= 0 &&
    q.threshold <= 0xffffffff &&
    Array.isArray(q.validators) &&
    Array.isArray(q.innerSets) &&
    q.validators.every((v) => typeof v === 'string')
  )
}

const compareIds = (a: NodeId, b: NodeId): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * `normalizeQSet` (QuorumSetUtils.cpp), returning a new set: optionally delete `idToRemove` everywhere
 * (lowering each affected threshold by the number of removals, as an unsigned 32-bit number), merge
 * inner sets `{t: 1, [x]}` into the parent's validators, replace `{t: 1, no validators, one inner
 * set}` by that inner set, then sort validators and inner sets (by validators, then inner sets, then
 * threshold).
 */
export function normalizeQuorumSet(q: QuorumSet, idToRemove?: NodeId): QuorumSet {
  const out = simplify(q, idToRemove)
  reorder(out)
  return out
}

function simplify(q: QuorumSet, idToRemove: NodeId | undefined): QuorumSet {
  let threshold = q.threshold
  const validators: NodeId[] = []
  for (const v of q.validators) {
    if (idToRemove !== undefined && v === idToRemove) threshold = (threshold - 1) >>> 0
    else validators.push(v)
  }
  const innerSets: QuorumSet[] = []
  for (const inner of q.innerSets) {
    const s = simplify(inner, idToRemove)
    // merge singleton inner sets into the validator list
    if (s.threshold === 1 && s.validators.length === 1 && s.innerSets.length === 0) {
      validators.push(s.validators[0]!)
    } else {
      innerSets.push(s)
    }
  }
  // { t: 1, { innerSet } } is innerSet
  if (threshold === 1 && validators.length === 0 && innerSets.length === 1) return innerSets[0]!
  return { threshold, validators, innerSets }
}

function reorder(q: QuorumSet): void {
  q.validators.sort(compareIds)
  for (const inner of q.innerSets) reorder(inner)
  q.innerSets.sort(compareQuorumSets)
}

/** stellar-core `qSetCompareInt`: validators lexicographically, then inner sets, then threshold. */
export function compareQuorumSets(l: QuorumSet, r: QuorumSet): number {
  const c = compareLists(l.validators, r.validators, compareIds)
  if (c !== 0) return c
  const d = compareLists(l.innerSets, r.innerSets, compareQuorumSets)
  if (d !== 0) return d
  return l.threshold < r.threshold ? -1 : l.threshold === r.threshold ? 0 : 1
}

function compareLists<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

/** Structural equality of two quorum sets (same order, same thresholds). */
export function equalQuorumSets(a: QuorumSet, b: QuorumSet): boolean {
  return compareQuorumSets(a, b) === 0
}
