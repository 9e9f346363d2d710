import { describe, expect, it } from 'vitest'
import { createGraph, DEFAULT_PARAMS, porepIdOf, testParams } from '../../../src/core/proofs/index.js'

describe('DRG graph', () => {
  const params = testParams({ sectorSize: 64 * 1024 }) // 2048 nodes
  const graph = createGraph(params, porepIdOf(params))
  const N = graph.nodes
  const all = (() => {
    const out = new Uint32Array(N * graph.degree)
    for (let v = 0; v < N; v++) graph.parentsOf(v, out, v * graph.degree)
    return out
  })()
  const base = (v: number) => Array.from(all.subarray(v * graph.degree, v * graph.degree + graph.baseDegree))
  const exp = (v: number) =>
    Array.from(all.subarray(v * graph.degree + graph.baseDegree, (v + 1) * graph.degree))

  it('has 6 base parents, all before the node, the first being v−1 (node 0 has none, node 1 only node 0)', () => {
    expect(graph.baseDegree).toBe(6)
    expect(base(1)).toEqual([0, 0, 0, 0, 0, 0])
    for (let v = 2; v < N; v++) {
      const b = base(v)
      expect(b[0]).toBe(v - 1)
      for (const p of b) expect(p).toBeLessThan(v)
    }
  })

  it('draws base parents at every scale (Bucket Sampling): short and long edges both occur', () => {
    const buckets = new Array(12).fill(0)
    for (let v = N / 2; v < N; v++) for (const p of base(v).slice(1)) buckets[Math.floor(Math.log2(v - p))]++
    // distances 1..2^11 for nodes in [1024, 2048): every power-of-two scale is used.
    for (let k = 0; k < 11; k++) expect(buckets[k], `distance bucket 2^${k}`).toBeGreaterThan(0)
  })

  it('has 8 expander parents in the previous layer, and every node is an expander parent exactly 8 times', () => {
    const children = new Uint32Array(N)
    for (let v = 0; v < N; v++)
      for (const p of exp(v)) {
        expect(p).toBeLessThan(N)
        children[p]!++
      }
    for (let v = 0; v < N; v++) expect(children[v]).toBe(8)
  })

  it('is fixed by the PoRep id: the same id gives the same parents, another id another graph', () => {
    const again = createGraph(params, porepIdOf(params))
    const other = createGraph({ ...params, layers: 5 }, porepIdOf({ ...params, layers: 5 }))
    const a = new Uint32Array(14)
    const b = new Uint32Array(14)
    let differ = 0
    for (let v = 2; v < N; v += 37) {
      again.parentsOf(v, a, 0)
      expect(Array.from(a)).toEqual([...base(v), ...exp(v)])
      other.parentsOf(v, b, 0)
      if (Array.from(b).join() !== Array.from(a).join()) differ++
    }
    expect(differ).toBeGreaterThan(50)
  })

  it('rejects nodes outside the sector', () => {
    expect(() => graph.parentsOf(N, new Uint32Array(14), 0)).toThrow(RangeError)
    expect(() => graph.parentsOf(-1, new Uint32Array(14), 0)).toThrow(RangeError)
  })

  it('computes the 32 MiB graph per node without a table (what the verifier does)', () => {
    const g = createGraph(DEFAULT_PARAMS, porepIdOf(DEFAULT_PARAMS))
    const out = new Uint32Array(14)
    g.parentsOf(2 ** 20 - 1, out, 0)
    expect(out[0]).toBe(2 ** 20 - 2)
    for (const p of out) expect(p).toBeLessThan(2 ** 20)
  })
})
