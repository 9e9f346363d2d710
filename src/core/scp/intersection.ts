/**
 * Quorum-intersection checker for operators: given every node's quorum set, do all quorums
 * intersect? If not, name two disjoint quorums. Safety of SCP requires quorum intersection (paper
 * §3.2, draft-05 §1); stellar-core checks it with an enumeration of minimal quorums (v1,
 * `QuorumIntersectionChecker`) and later a SAT solver (v2, PR #4653).
 *
 * Method:
 * 1. Nodes without a known quorum set cannot be members of a quorum (no slice of theirs is known).
 * 2. Symmetric networks (every known node has the same quorum set Q, the common case: stellar-core's
 *    generated tier-1 configuration, flat k-of-n): the quorums are exactly the node sets that satisfy
 *    Q, so two disjoint quorums exist iff Q has two disjoint slices. That is decided recursively in
 *    linear time: an entry of Q can serve both sides (an inner set with two disjoint slices), one side
 *    (a known validator, a satisfiable inner set) or none; Q splits iff 2·max(0, t − both) ≤ one.
 * 3. Otherwise, a branch-and-bound search for the smaller of two disjoint minimal quorums A (|A| ≤
 *    n/2), including or excluding one node at a time, pruned when the committed nodes C can no
 *    longer grow into a quorum (C ⊄ maxQuorum(C ∪ remaining)) and when no quorum is left outside C
 *    (maxQuorum(V ∖ C) = ∅; it only shrinks as C grows). `maxQuorum(S)` is the greatest quorum inside
 *    S: the fixpoint of removing nodes whose slices S does not satisfy. Exponential in the worst
 *    case, hence the step budget.
 * Any split found is verified (both sets are quorums, and disjoint) before it is returned.
 */
import { allNodes, compareQuorumSets, normalizeQuorumSet } from './quorum.js'
import type { NodeId, QuorumSet } from './types.js'

export interface IntersectionOptions {
  /** Search steps before giving up with `intersects: 'unknown'`. @default 2_000_000 */
  maxSteps?: number
}

export type IntersectionResult =
  | { intersects: true; quorumExists: boolean; method: 'symmetric' | 'search'; steps: number }
  | { intersects: false; quorums: [NodeId[], NodeId[]]; method: 'symmetric' | 'search'; steps: number }
  | { intersects: 'unknown'; reason: string; method: 'search'; steps: number }

/** A quorum set compiled to node indexes (−1: a node with no known quorum set). */
interface Compiled {
  t: number
  v: Int32Array
  inner: Compiled[]
}

type Bits = Uint32Array

export function checkQuorumIntersection(
  network: ReadonlyMap<NodeId, QuorumSet> | Readonly<Record<NodeId, QuorumSet>>,
  options: IntersectionOptions = {},
): IntersectionResult {
  // Normalisation keeps the slices (it only merges {1, [x]} inner sets and sorts), so networks that
  // differ only in the order of their lists are recognised as symmetric.
  const given: [NodeId, QuorumSet][] =
    network instanceof Map ? [...network.entries()] : Object.entries(network as Record<NodeId, QuorumSet>)
  const normalized = new Map(given.map(([id, q]) => [id, normalizeQuorumSet(q)]))
  // Nodes in canonical order: interchangeable nodes (below) next to each other, then by id.
  const classOf = interchangeableClasses(normalized)
  const ids = [...normalized.keys()].sort((a, b) => {
    const ka = classOf.get(a)!
    const kb = classOf.get(b)!
    if (ka !== kb) return ka < kb ? -1 : 1
    return a < b ? -1 : a > b ? 1 : 0
  })
  const entries: [NodeId, QuorumSet][] = ids.map((id) => [id, normalized.get(id)!])
  const index = new Map(ids.map((id, i) => [id, i]))
  const compile = (q: QuorumSet): Compiled => ({
    t: q.threshold,
    v: Int32Array.from(q.validators, (id) => index.get(id) ?? -1),
    inner: q.innerSets.map(compile),
  })
  const qsets = entries.map(([, q]) => compile(q))
  /** For each node, the later members of its class (symmetry breaking, see `search`). */
  const laterInClass = ids.map((id, i) => {
    const later: number[] = []
    for (let j = i + 1; j < ids.length && classOf.get(ids[j]!) === classOf.get(id); j++) later.push(j)
    return later
  })
  const n = ids.length
  const words = Math.max(1, Math.ceil(n / 32))
  const names = (bits: Bits): NodeId[] => members(bits, n).map((i) => ids[i]!)

  /** The greatest quorum inside `s`: drop nodes whose slices `s` does not satisfy, to a fixpoint. */
  const maxQuorum = (s: Bits): Bits => {
    const cur = s.slice()
    let changed = true
    while (changed) {
      changed = false
      for (const i of members(cur, n)) {
        if (!satisfies(qsets[i]!, cur)) {
          clear(cur, i)
          changed = true
        }
      }
    }
    return cur
  }
  const universe = full(n, words)
  const verifySplit = (a: Bits, b: Bits): void => {
    const ok =
      !isEmpty(a) &&
      !isEmpty(b) &&
      equal(maxQuorum(a), a) &&
      equal(maxQuorum(b), b) &&
      isEmpty(and(a, b)) &&
      isSubset(a, universe) &&
      isSubset(b, universe)
    if (!ok) throw new Error('checkQuorumIntersection: expected two disjoint quorums, got a wrong split')
  }

  // 2. symmetric networks (and no node named twice, so slices of different entries are disjoint)
  const first = entries[0]?.[1]
  if (
    first !== undefined &&
    entries.every(([, q]) => compareQuorumSets(q, first) === 0) &&
    !hasDuplicates(first)
  ) {
    const q = qsets[0]!
    const split = splitSlices(q, n, words)
    if (split !== undefined) {
      const [a, b] = split
      verifySplit(a, b)
      return { intersects: false, quorums: [names(a), names(b)], method: 'symmetric', steps: 0 }
    }
    return { intersects: true, quorumExists: satisfies(q, universe), method: 'symmetric', steps: 0 }
  }

  // 3. search
  const maxSteps = options.maxSteps ?? 2_000_000
  let steps = 0
  const whole = maxQuorum(universe)
  if (isEmpty(whole)) return { intersects: true, quorumExists: false, method: 'search', steps }
  const half = Math.floor(popcount(whole) / 2)

  let found: [Bits, Bits] | undefined
  let aborted = false
  const search = (c: Bits, r: Bits): void => {
    if (found || aborted) return
    if (++steps > maxSteps) {
      aborted = true
      return
    }
    const mq = maxQuorum(or(c, r))
    if (!isSubset(c, mq)) return // C cannot grow into a quorum inside C ∪ R
    const outside = maxQuorum(andNot(universe, c))
    if (isEmpty(outside)) return // no quorum avoids C, nor any superset of C
    const size = popcount(c)
    if (size > 0 && equal(maxQuorum(c), c)) {
      found = [c, outside]
      return
    }
    if (size >= half) return // the smaller of two disjoint minimal quorums has at most n/2 nodes
    const rest = and(r, mq)
    const picked = pickNode(c, rest)
    if (picked < 0) return
    // Symmetry breaking: interchangeable nodes are taken in order, so the committed members of a
    // class are always a prefix of it. Branch on the first undecided member of the picked node's
    // class; excluding it excludes the later members too. Any split maps, by permuting within
    // classes (automorphisms of the network), onto one that respects this order.
    let next = picked
    while (next > 0 && classOf.get(ids[next - 1]!) === classOf.get(ids[next]!) && has(rest, next - 1)) next--
    const r2 = rest.slice()
    clear(r2, next)
    const c2 = c.slice()
    set(c2, next)
    search(c2, r2)
    const r3 = r2.slice()
    for (const j of laterInClass[next]!) clear(r3, j)
    search(c, r3)
  }
  /** Prefer a node that a committed, not yet satisfied member needs; else the first remaining one. */
  const pickNode = (c: Bits, r: Bits): number => {
    for (const i of members(c, n)) {
      if (satisfies(qsets[i]!, c)) continue
      const need = firstNeeded(qsets[i]!, r)
      if (need >= 0) return need
    }
    const rest = members(r, n)
    return rest.length > 0 ? rest[0]! : -1
  }
  search(new Uint32Array(words), whole)
  if (aborted) {
    return {
      intersects: 'unknown',
      reason: `gave up after ${maxSteps} search steps`,
      method: 'search',
      steps,
    }
  }
  if (found) {
    const [a, b] = found
    verifySplit(a, b)
    return { intersects: false, quorums: [names(a), names(b)], method: 'search', steps }
  }
  return { intersects: true, quorumExists: true, method: 'search', steps }
}

/**
 * Classes of interchangeable nodes: same quorum set, and named in exactly the same lists of every
 * quorum set of the network. Swapping two such nodes maps the network onto itself (an automorphism),
 * which lets the search consider each class by count instead of by subset.
 */
function interchangeableClasses(network: ReadonlyMap<NodeId, QuorumSet>): Map<NodeId, string> {
  const lists = new Map<NodeId, number[]>()
  let list = 0
  const visit = (q: QuorumSet): void => {
    const id = list++
    for (const v of q.validators) {
      const l = lists.get(v)
      if (l === undefined) lists.set(v, [id])
      else l.push(id)
    }
    for (const inner of q.innerSets) visit(inner)
  }
  for (const q of network.values()) visit(q)
  const out = new Map<NodeId, string>()
  for (const [id, q] of network) out.set(id, `${JSON.stringify(q)}|${(lists.get(id) ?? []).join(',')}`)
  return out
}

// ---- quorum sets over bitsets ----

function hasDuplicates(q: QuorumSet): boolean {
  const all = allNodes(q)
  return new Set(all).size !== all.length
}

function has(bits: Bits, i: number): boolean {
  return i >= 0 && ((bits[i >>> 5]! >>> (i & 31)) & 1) === 1
}

/** isQuorumSlice semantics: a threshold of 0 is never satisfied (as in LocalNode::isQuorumSlice). */
function satisfies(q: Compiled, s: Bits): boolean {
  if (q.t <= 0) return false
  let left = q.t
  for (const v of q.v) if (has(s, v) && --left === 0) return true
  for (const inner of q.inner) if (satisfies(inner, s) && --left === 0) return true
  return false
}

/** A node of `r` that would help satisfy `q` (depth-first), or −1. */
function firstNeeded(q: Compiled, r: Bits): number {
  for (const v of q.v) if (has(r, v)) return v
  for (const inner of q.inner) {
    const x = firstNeeded(inner, r)
    if (x >= 0) return x
  }
  return -1
}

/**
 * Two disjoint node sets that both satisfy `q` (over the known nodes), or undefined. An inner set
 * that splits serves both sides; a known validator or a satisfiable inner set serves one side.
 */
function splitSlices(q: Compiled, n: number, words: number): [Bits, Bits] | undefined {
  const a = new Uint32Array(words)
  const b = new Uint32Array(words)
  return splitInto(q, a, b, n, words) ? [a, b] : undefined
}

function splitInto(q: Compiled, a: Bits, b: Bits, n: number, words: number): boolean {
  if (q.t <= 0) return false
  const both: [Bits, Bits][] = []
  const one: Bits[] = [] // slices that can serve one side
  for (const v of q.v) {
    if (v < 0 || v >= n) continue
    const s = new Uint32Array(words)
    set(s, v)
    one.push(s)
  }
  for (const inner of q.inner) {
    const x = new Uint32Array(words)
    const y = new Uint32Array(words)
    if (splitInto(inner, x, y, n, words)) both.push([x, y])
    else {
      const s = new Uint32Array(words)
      if (sliceInto(inner, s, n)) one.push(s)
    }
  }
  const need = Math.max(0, q.t - both.length)
  if (2 * need > one.length) return false
  // take min(t, |both|) splittable entries for both sides, then `need` single entries for each side
  for (const [x, y] of both.slice(0, Math.min(q.t, both.length))) {
    orInto(a, x)
    orInto(b, y)
  }
  for (let k = 0; k < need; k++) {
    orInto(a, one[k]!)
    orInto(b, one[need + k]!)
  }
  return true
}

/** One slice of `q` over the known nodes, written into `s`; false if `q` cannot be satisfied. */
function sliceInto(q: Compiled, s: Bits, n: number): boolean {
  if (q.t <= 0) return false
  let left = q.t
  for (const v of q.v) {
    if (v < 0 || v >= n) continue
    set(s, v)
    if (--left === 0) return true
  }
  for (const inner of q.inner) {
    const x = new Uint32Array(s.length)
    if (sliceInto(inner, x, n)) {
      orInto(s, x)
      if (--left === 0) return true
    }
  }
  return false
}

// ---- bitsets ----

function full(n: number, words: number): Bits {
  const b = new Uint32Array(words)
  for (let i = 0; i < n; i++) set(b, i)
  return b
}
function set(b: Bits, i: number): void {
  b[i >>> 5]! |= 1 << (i & 31)
}
function clear(b: Bits, i: number): void {
  b[i >>> 5]! &= ~(1 << (i & 31))
}
function orInto(a: Bits, b: Bits): void {
  for (let k = 0; k < a.length; k++) a[k]! |= b[k]!
}
function or(a: Bits, b: Bits): Bits {
  const o = new Uint32Array(a.length)
  for (let k = 0; k < a.length; k++) o[k] = a[k]! | b[k]!
  return o
}
function and(a: Bits, b: Bits): Bits {
  const o = new Uint32Array(a.length)
  for (let k = 0; k < a.length; k++) o[k] = a[k]! & b[k]!
  return o
}
function andNot(a: Bits, b: Bits): Bits {
  const o = new Uint32Array(a.length)
  for (let k = 0; k < a.length; k++) o[k] = a[k]! & ~b[k]!
  return o
}
function isEmpty(a: Bits): boolean {
  for (const w of a) if (w !== 0) return false
  return true
}
function isSubset(a: Bits, b: Bits): boolean {
  for (let k = 0; k < a.length; k++) if ((a[k]! & ~b[k]!) !== 0) return false
  return true
}
function equal(a: Bits, b: Bits): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false
  return true
}
function popcount(a: Bits): number {
  let c = 0
  for (let w of a) {
    while (w !== 0) {
      w &= w - 1
      c++
    }
  }
  return c
}
function members(a: Bits, n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) if (has(a, i)) out.push(i)
  return out
}
