/**
 * Stacked labelling (docs/proofs.md §Labels; Filecoin spec `sdr` §Labeling, without the repetition to
 * 37 parents — storage-proofs.md §3.2):
 *
 *   label(l, v) = H( replicaId ‖ u32be(l) ‖ u64be(v) ‖ base parents' labels in layer l
 *                    ‖ expander parents' labels in layer l−1 (l ≥ 2 only) )
 *
 * Node 0 has no base parents. Layer 1 hashes 44 + 6·32 = 236 bytes per node, later layers
 * 44 + 14·32 = 492 bytes (8 BLAKE3 blocks). Labels within a layer are strictly sequential (v depends
 * on v−1), layers strictly in order.
 *
 * `labelRange` is the sealing hot loop: it writes the preimage straight into the hasher's input with
 * word copies (no allocation per node) and takes the parents from a precomputed cache.
 * `labelOf` computes one label from explicit parent labels: the verifier's path. A unit test holds
 * them equal.
 */
import type { Graph } from './graph.js'
import { type Hasher, wordsOf } from './hasher.js'

/** Bytes of the label header: replicaId ‖ layer ‖ node. */
export const LABEL_HEADER = 32 + 4 + 8

export interface LabelContext {
  readonly h: Hasher
  readonly graph: Graph
  /** replicaId as 8 words (byte order preserved). */
  readonly replicaWords: Uint32Array
}

export function labelContext(h: Hasher, graph: Graph, replicaId: Uint8Array): LabelContext {
  if (replicaId.length !== 32) throw new RangeError('labels: replicaId must be 32 bytes')
  return { h, graph, replicaWords: new Uint32Array(replicaId.slice().buffer) }
}

/**
 * Label nodes [from, to) of `layer` into `cur` (8 words per node; nodes < from must already be
 * there). `prev` is layer−1 (unused for layer 1). `parents` holds `graph.degree` entries per node
 * starting with node `from` (the parent cache slice for this range).
 */
export function labelRange(
  ctx: LabelContext,
  layer: number,
  cur: Uint32Array,
  prev: Uint32Array | undefined,
  from: number,
  to: number,
  parents: Uint32Array,
): void {
  const { h, graph, replicaWords } = ctx
  const { inB, inW, outW } = wordsOf(h)
  const base = graph.baseDegree
  const degree = graph.degree
  const withExp = layer > 1
  if (withExp && !prev) throw new RangeError('labels: layer ≥ 2 needs the previous layer')
  const p = prev ?? cur
  // Header bytes 32..43 survive digest() (only input[0, 32) may be overwritten); set them once.
  inB[32] = layer >>> 24
  inB[33] = (layer >>> 16) & 255
  inB[34] = (layer >>> 8) & 255
  inB[35] = layer & 255
  inB[36] = 0
  inB[37] = 0
  inB[38] = 0
  inB[39] = 0
  const r0 = replicaWords[0]!
  const r1 = replicaWords[1]!
  const r2 = replicaWords[2]!
  const r3 = replicaWords[3]!
  const r4 = replicaWords[4]!
  const r5 = replicaWords[5]!
  const r6 = replicaWords[6]!
  const r7 = replicaWords[7]!
  for (let v = from; v < to; v++) {
    inW[0] = r0
    inW[1] = r1
    inW[2] = r2
    inW[3] = r3
    inW[4] = r4
    inW[5] = r5
    inW[6] = r6
    inW[7] = r7
    inB[40] = v >>> 24
    inB[41] = (v >>> 16) & 255
    inB[42] = (v >>> 8) & 255
    inB[43] = v & 255
    let o = 11 // word offset after the 44-byte header
    const pc = (v - from) * degree
    if (v > 0) {
      for (let k = 0; k < base; k++) {
        const s = parents[pc + k]! * 8
        inW[o] = cur[s]!
        inW[o + 1] = cur[s + 1]!
        inW[o + 2] = cur[s + 2]!
        inW[o + 3] = cur[s + 3]!
        inW[o + 4] = cur[s + 4]!
        inW[o + 5] = cur[s + 5]!
        inW[o + 6] = cur[s + 6]!
        inW[o + 7] = cur[s + 7]!
        o += 8
      }
    }
    if (withExp) {
      for (let k = base; k < degree; k++) {
        const s = parents[pc + k]! * 8
        inW[o] = p[s]!
        inW[o + 1] = p[s + 1]!
        inW[o + 2] = p[s + 2]!
        inW[o + 3] = p[s + 3]!
        inW[o + 4] = p[s + 4]!
        inW[o + 5] = p[s + 5]!
        inW[o + 6] = p[s + 6]!
        inW[o + 7] = p[s + 7]!
        o += 8
      }
    }
    h.digest(o * 4)
    const d = v * 8
    cur[d] = outW[0]!
    cur[d + 1] = outW[1]!
    cur[d + 2] = outW[2]!
    cur[d + 3] = outW[3]!
    cur[d + 4] = outW[4]!
    cur[d + 5] = outW[5]!
    cur[d + 6] = outW[6]!
    cur[d + 7] = outW[7]!
  }
}

/**
 * One label from explicit parent labels (32 bytes each): `baseLabels` in layer `layer` (empty for
 * node 0), `expLabels` in layer−1 (empty for layer 1). The verifier's path.
 */
export function labelOf(
  h: Hasher,
  replicaId: Uint8Array,
  layer: number,
  v: number,
  baseLabels: readonly Uint8Array[],
  expLabels: readonly Uint8Array[],
): Uint8Array {
  const input = h.input
  input.set(replicaId, 0)
  input[32] = layer >>> 24
  input[33] = (layer >>> 16) & 255
  input[34] = (layer >>> 8) & 255
  input[35] = layer & 255
  input.fill(0, 36, 40)
  input[40] = v >>> 24
  input[41] = (v >>> 16) & 255
  input[42] = (v >>> 8) & 255
  input[43] = v & 255
  let o = LABEL_HEADER
  for (const l of baseLabels) {
    input.set(l.subarray(0, 32), o)
    o += 32
  }
  for (const l of expLabels) {
    input.set(l.subarray(0, 32), o)
    o += 32
  }
  h.digest(o)
  return h.output.slice(0, 32)
}
