import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/index.js'
import { hashBytes, hashLevel, hashPair, nobleHasher, wordsOf } from '../../../src/core/proofs/index.js'
import { createHashWasmHasher } from '../../../src/platform/hash-wasm.js'
import { pseudoRandomBytes } from './fixtures.js'

describe('hashers', () => {
  for (const alg of ['blake3', 'sha256'] as const) {
    it(`hash-wasm ${alg} uses the direct WASM path and agrees with @noble/hashes at every length`, async () => {
      const h = await createHashWasmHasher(alg)
      expect(h.mode).toBe('direct')
      const ref = nobleHasher(alg)
      for (const len of [0, 1, 31, 32, 44, 63, 64, 65, 236, 256, 492, 1023, 1024, 1025, 4096, 16384]) {
        const msg = pseudoRandomBytes(len, len + 1)
        expect(toHex(hashBytes(h, msg)), `${alg} ${len}`).toBe(toHex(hashBytes(ref, msg)))
      }
    })
  }

  it('keeps input beyond the first 32 bytes across digests (the label loop relies on it)', async () => {
    const h = await createHashWasmHasher('blake3')
    const tail = pseudoRandomBytes(100, 3)
    h.input.set(tail, 32)
    h.digest(132)
    expect(toHex(h.input.subarray(32, 132))).toBe(toHex(tail))
  })

  it('hash known answers: BLAKE3("") and SHA-256("abc")', async () => {
    const b = await createHashWasmHasher('blake3')
    expect(toHex(hashBytes(b, new Uint8Array(0)))).toBe(
      'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
    )
    const s = await createHashWasmHasher('sha256')
    expect(toHex(hashBytes(s, Uint8Array.of(0x61, 0x62, 0x63)))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('hashLevel computes H(left ‖ right) for every pair, also in place', async () => {
    const h = await createHashWasmHasher('blake3')
    const nodes = pseudoRandomBytes(8 * 32, 9)
    const words = new Uint32Array(nodes.slice().buffer)
    hashLevel(wordsOf(h), h, words, 0, 4, words, 0)
    for (let i = 0; i < 4; i++) {
      const want = hashPair(h, nodes.subarray(i * 64, i * 64 + 32), nodes.subarray(i * 64 + 32, i * 64 + 64))
      expect(toHex(new Uint8Array(words.buffer, i * 32, 32))).toBe(toHex(want))
    }
  })
})

describe('u64Mod', () => {
  it('equals the BigInt reduction of a big-endian u64 for moduli up to 2^32 − 1', async () => {
    const { u64Mod } = await import('../../../src/core/proofs/index.js')
    const { readU64be } = await import('../../../src/core/codec/index.js')
    for (let i = 0; i < 2000; i++) {
      const b = pseudoRandomBytes(16, i + 1)
      for (const m of [
        1,
        2,
        3,
        64,
        1000,
        2 ** 20,
        2 ** 25,
        2 ** 31 - 1,
        2 ** 32 - 1,
        (i * 7919) % 2 ** 30 || 1,
      ])
        expect(u64Mod(b, 8, m)).toBe(Number(readU64be(b, 8) % BigInt(m)))
    }
    expect(() => u64Mod(new Uint8Array(8), 0, 0)).toThrow(RangeError)
  })
})
