import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import {
  DEFAULT_PARAMS,
  depthOf,
  nodesOf,
  porepIdOf,
  postRounds,
  testParams,
  validateParams,
} from '../../../src/core/proofs/index.js'

describe('proof parameters', () => {
  it('default to 32 MiB sectors of 2^20 nodes, 8 layers, degrees 6 + 8, BLAKE3, 128 seal challenges', () => {
    expect(validateParams(DEFAULT_PARAMS)).toBe(DEFAULT_PARAMS)
    expect(nodesOf(DEFAULT_PARAMS)).toBe(2 ** 20)
    expect(depthOf(DEFAULT_PARAMS)).toBe(20)
    expect(DEFAULT_PARAMS).toMatchObject({
      layers: 8,
      baseDegree: 6,
      expanderDegree: 8,
      hash: 'blake3',
      sealChallenges: 128,
    })
  })

  it('reject sizes that are not 32·2^k, degrees and counts out of range, with InvalidParamsError', () => {
    for (const bad of [
      { sectorSize: 3000 },
      { sectorSize: 512 },
      { sectorSize: 2 * 1024 ** 3 },
      { layers: 1 },
      { layers: 17 },
      { baseDegree: 1 },
      { expanderDegree: 0 },
      { sealChallenges: 0 },
      { postChallengesMin: 10, postChallengesMax: 5 },
      { hash: 'md5' as 'blake3' },
    ]) {
      expect(() => validateParams({ ...DEFAULT_PARAMS, ...bad }), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ name: 'InvalidParamsError' }),
      )
    }
  })

  it('give every parameter set its own PoRep id, stable across runs', () => {
    const ids = new Set<string>()
    for (const p of [
      DEFAULT_PARAMS,
      { ...DEFAULT_PARAMS, hash: 'sha256' as const },
      { ...DEFAULT_PARAMS, layers: 7 },
      { ...DEFAULT_PARAMS, sectorSize: 64 * 1024 * 1024 },
      { ...DEFAULT_PARAMS, sealChallenges: 176 },
      { ...DEFAULT_PARAMS, postChallengesMax: 256 },
      testParams(),
    ])
      ids.add(toHex(porepIdOf(p)))
    expect(ids.size).toBe(7)
    expect(toHex(porepIdOf(DEFAULT_PARAMS))).toBe(toHex(porepIdOf({ ...DEFAULT_PARAMS })))
  })

  it('use m = clamp(2n, min, max) PoSt rounds for n sectors', () => {
    expect(postRounds(DEFAULT_PARAMS, 1)).toBe(64)
    expect(postRounds(DEFAULT_PARAMS, 100)).toBe(200)
    expect(postRounds(DEFAULT_PARAMS, 1000)).toBe(512)
  })
})
