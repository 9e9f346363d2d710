import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import {
  createGraph,
  LABEL_HEADER,
  labelContext,
  labelOf,
  labelRange,
  nobleHasher,
  porepIdOf,
  testParams,
} from '../../../src/core/proofs/index.js'
import { hasher, pseudoRandomBytes } from './fixtures.js'

describe('stacked labels', () => {
  const params = testParams({ sectorSize: 8 * 1024 }) // 256 nodes
  const graph = createGraph(params, porepIdOf(params))
  const replicaId = pseudoRandomBytes(32, 5)
  const N = graph.nodes
  const parents = new Uint32Array(N * graph.degree)
  for (let v = 0; v < N; v++) graph.parentsOf(v, parents, v * graph.degree)

  async function layers(h = nobleHasher('blake3')) {
    const ctx = labelContext(h, graph, replicaId)
    const out: Uint32Array[] = []
    for (let l = 1; l <= 3; l++) {
      const cur = new Uint32Array(N * 8)
      // Uneven chunks: the kernel must not depend on chunk boundaries.
      for (const [a, b] of [
        [0, 1],
        [1, 77],
        [77, 200],
        [200, N],
      ] as const)
        labelRange(ctx, l, cur, out[l - 2], a, b, parents.subarray(a * graph.degree, b * graph.degree))
      out.push(cur)
    }
    return out
  }
  const label = (layer: Uint32Array, v: number) => new Uint8Array(layer.buffer, v * 32, 32)

  it('labelRange (the sealing loop) equals labelOf (the verifier) on every node of every layer', async () => {
    const h = await hasher()
    const ls = await layers(h)
    const p = new Array<number>(14)
    for (let l = 1; l <= 3; l++) {
      for (let v = 0; v < N; v++) {
        graph.parentsOf(v, p, 0)
        const baseLabels = v === 0 ? [] : p.slice(0, 6).map((q) => label(ls[l - 1]!, q))
        const expLabels = l === 1 ? [] : p.slice(6).map((q) => label(ls[l - 2]!, q))
        expect(toHex(labelOf(h, replicaId, l, v, baseLabels, expLabels)), `layer ${l} node ${v}`).toBe(
          toHex(label(ls[l - 1]!, v)),
        )
      }
    }
  })

  it('hash replicaId ‖ u32be(layer) ‖ u64be(node) ‖ parents: 44, 236 and 492 bytes', async () => {
    const h = nobleHasher('blake3')
    expect(LABEL_HEADER).toBe(44)
    // Node 0 of layer 1 is the hash of the bare header.
    const header = new Uint8Array(44)
    header.set(replicaId)
    header[35] = 1
    h.input.set(header)
    h.digest(44)
    const want = toHex(h.output.slice(0, 32))
    const ls = await layers(h)
    expect(toHex(label(ls[0]!, 0))).toBe(want)
  })

  it('are the same with the hash-wasm and the noble hashers, and change with the replica id', async () => {
    const a = await layers(nobleHasher('blake3'))
    const b = await layers(await hasher())
    expect(toHex(new Uint8Array(a[2]!.buffer))).toBe(toHex(new Uint8Array(b[2]!.buffer)))
    const other = labelContext(nobleHasher('blake3'), graph, pseudoRandomBytes(32, 6))
    const cur = new Uint32Array(N * 8)
    labelRange(other, 1, cur, undefined, 0, N, parents)
    expect(toHex(label(cur, 5))).not.toBe(toHex(label(a[0]!, 5)))
  })
})
