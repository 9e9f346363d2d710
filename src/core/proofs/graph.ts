/**
 * The stacked-DRG graph of SDR (docs/proofs.md §Graph), in Filecoin's shape:
 *
 * - base parents, in the node's own layer: v−1 and (d_base − 1) parents drawn by Bucket Sampling
 *   (Alwen–Blocki–Pietrzak, eprint 2017/443, as used by Filecoin's `BucketGraph`: spec.filecoin.io
 *   `algorithms/sdr` §Base graph). Node v is split into d_meta = d_base − 1 metagraph nodes
 *   i = v·d_meta + k; each picks a bucket j ∈ [1, ⌊log2 i⌋] and a back distance in [max(2^(j−1), 2), 2^j],
 *   and the parent is the real node holding metanode i − distance. Short and long edges in every scale
 *   make the graph depth-robust.
 * - expander parents, in the previous layer: the d_exp·N edges are permuted by a 3-round Feistel
 *   network (Filecoin: spec `sdr` §Expander graph, 3 rounds, cycle-walking into the domain) and the
 *   parent of edge v·d_exp + k is ⌊π(edge) / d_exp⌋, so every node has exactly d_exp parents and
 *   d_exp children.
 *
 * The graph is public and fixed by the PoRep id; its pseudorandomness only has to be statistically
 * good, not secret. Filecoin draws it from ChaCha and a Blake2b Feistel; here the round function is a
 * keyed murmur3 finalizer pair (32-bit, a bijection per input word) so the verifier and the sealer
 * compute parents in ~0.5 µs per node, keyed by 8 words of SHA-256(tag ‖ porepId).
 */
import { concatBytes, utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { nodesOf, type ProofParams, validateParams } from './params.js'

export interface Graph {
  readonly nodes: number
  readonly baseDegree: number
  readonly expanderDegree: number
  /** baseDegree + expanderDegree: the stride of `parentsOf` and of the parent cache. */
  readonly degree: number
  /**
   * Writes the parents of node v at `out[offset ..]`: `baseDegree` base parents (all < v; zeros for
   * v = 0, which has none), then `expanderDegree` expander parents (indices in the previous layer).
   */
  parentsOf(v: number, out: Uint32Array | number[], offset: number): void
}

/** murmur3's 32-bit finalizer (Appleby): a bijection on 32-bit words with full avalanche. */
function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** Keyed PRF of two words: fmix(fmix(k0 ⊕ x) ⊕ y ⊕ k1), as an unsigned 32-bit value. */
function prf(k0: number, k1: number, x: number, y: number): number {
  return fmix(fmix(k0 ^ x) ^ y ^ k1) >>> 0
}

const GRAPH_TAG = utf8('watt/proofs/graph/v1')

export function createGraph(params: ProofParams, porepId: Uint8Array): Graph {
  validateParams(params)
  const nodes = nodesOf(params)
  const baseDegree = params.baseDegree
  const meta = baseDegree - 1
  const exp = params.expanderDegree
  const degree = baseDegree + exp
  const seed = sha256(concatBytes(GRAPH_TAG, porepId))
  const dv = new DataView(seed.buffer, seed.byteOffset, 32)
  const key = Array.from({ length: 8 }, (_, i) => dv.getUint32(i * 4))
  const [f0, f1, f2, f3, f4, f5, b0, b1] = key as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]

  // Feistel domain: 2h bits covering the E = N·d_exp edges; values ≥ E cycle-walk back into [0, E).
  const edges = nodes * exp
  const bits = Math.ceil(Math.log2(edges))
  const half = Math.ceil(bits / 2)
  const mask = (1 << half) - 1
  const feistel = (x: number): number => {
    let l = x >>> half
    let r = x & mask
    let t = l ^ (prf(f0, f1, r, 0) & mask)
    l = r
    r = t
    t = l ^ (prf(f2, f3, r, 1) & mask)
    l = r
    r = t
    t = l ^ (prf(f4, f5, r, 2) & mask)
    l = r
    r = t
    return l * (mask + 1) + r
  }
  const permute = (e: number): number => {
    let y = feistel(e)
    while (y >= edges) y = feistel(y)
    return y
  }

  const parentsOf = (v: number, out: Uint32Array | number[], offset: number): void => {
    if (!(v >= 0 && v < nodes)) throw new RangeError(`graph: node ${v} outside 0..${nodes - 1}`)
    // Base parents. v = 0 has none (zeros, unused); v = 1 can only point at node 0.
    if (v < 2) {
      for (let k = 0; k < baseDegree; k++) out[offset + k] = 0
    } else {
      out[offset] = v - 1
      for (let k = 0; k < meta; k++) {
        const i = v * meta + k
        const logi = 31 - Math.clz32(i)
        const j = 1 + (prf(b0, b1, v, 2 * k) % logi)
        const jj = Math.min(i, 1 << j)
        const lo = Math.max(jj >>> 1, 2)
        const dist = lo + (prf(b1, b0, v, 2 * k + 1) % (jj - lo + 1))
        let p = ((i - dist) / meta) | 0
        // A metanode edge inside node v itself becomes the edge to v−1 (Filecoin does the same).
        if (p >= v) p = v - 1
        out[offset + 1 + k] = p
      }
    }
    // Expander parents in the previous layer.
    const e0 = v * exp
    for (let k = 0; k < exp; k++) out[offset + baseDegree + k] = (permute(e0 + k) / exp) | 0
  }
  return { nodes, baseDegree, expanderDegree: exp, degree, parentsOf }
}
