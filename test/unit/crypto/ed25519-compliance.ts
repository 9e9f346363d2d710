/**
 * The Ed25519 compliance suite: every backend (node:crypto, WebCrypto, noble, and in the browser
 * suite Chromium's WebCrypto) must give exactly these answers. RFC 8032 §7.1 vectors, then the edge
 * cases where Ed25519 libraries are known to disagree (Chalkias et al., "Taming the many EdDSAs").
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, toHex } from '../../../src/core/codec/bytes.js'
import type { Ed25519 } from '../../../src/core/crypto/ed25519.js'

export const RFC8032 = [
  {
    name: 'TEST 1 (empty message)',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
]

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const leToNum = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n)
const numToLe = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n))

/**
 * A signature under a mixed-order key A' = aB + T (T of order 8). The cofactored equation accepts it;
 * the cofactorless one (OpenSSL, BoringSSL, Watt) rejects it unless k ≡ 0 (mod 8). Returns a case
 * with k ≢ 0 (mod 8).
 */
export function mixedOrderCase() {
  const Point = ed25519.Point
  const T = Point.fromBytes(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'))
  for (let i = 1; ; i++) {
    const a = (7n * BigInt(i) + 12345n) % L
    const A2 = Point.BASE.multiply(a).add(T).toBytes()
    const message = Uint8Array.of(i)
    const r = (31337n * BigInt(i)) % L
    const R = Point.BASE.multiply(r).toBytes()
    const k = leToNum(sha512(concatBytes(R, A2, message))) % L
    if (k % 8n === 0n) continue
    const S = (r + k * a) % L
    const signature = concatBytes(R, numToLe(S))
    return { publicKey: A2, message, signature, cofactoredAccepts: ed25519.verify(signature, message, A2) }
  }
}

export function runEd25519Compliance(label: string, make: () => Ed25519 | Promise<Ed25519>): void {
  describe(`Ed25519 compliance: ${label}`, () => {
    for (const v of RFC8032) {
      it(`RFC 8032 ${v.name}: public key, signature and verification match`, async () => {
        const impl = await make()
        const seed = fromHex(v.seed)
        expect(toHex(await impl.publicKey(seed))).toBe(v.publicKey)
        expect(toHex(await impl.sign(seed, fromHex(v.message)))).toBe(v.signature)
        expect(await impl.verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature))).toBe(true)
      })
    }

    const v = RFC8032[1]!
    const pk = fromHex(v.publicKey)
    const msg = fromHex(v.message)
    const sig = fromHex(v.signature)

    it('rejects a tampered message, a tampered signature and the wrong key', async () => {
      const impl = await make()
      expect(await impl.verify(pk, Uint8Array.of(0x73), sig)).toBe(false)
      const badSig = sig.slice()
      badSig[10]! ^= 1
      expect(await impl.verify(pk, msg, badSig)).toBe(false)
      expect(await impl.verify(fromHex(RFC8032[0]!.publicKey), msg, sig)).toBe(false)
    })

    it('rejects wrong lengths without throwing', async () => {
      const impl = await make()
      expect(await impl.verify(pk.subarray(0, 31), msg, sig)).toBe(false)
      expect(await impl.verify(concatBytes(pk, Uint8Array.of(0)), msg, sig)).toBe(false)
      expect(await impl.verify(pk, msg, sig.subarray(0, 63))).toBe(false)
      expect(await impl.verify(pk, msg, concatBytes(sig, Uint8Array.of(0)))).toBe(false)
      expect(await impl.verify(new Uint8Array(0), msg, new Uint8Array(0))).toBe(false)
    })

    it('rejects a non-canonical scalar S + L (malleability)', async () => {
      const impl = await make()
      const s = leToNum(sig.subarray(32)) + L
      expect(s < 2n ** 256n).toBe(true)
      expect(await impl.verify(pk, msg, concatBytes(sig.subarray(0, 32), numToLe(s)))).toBe(false)
    })

    it('rejects non-canonical point encodings of A and R (y ≥ p, negative zero)', async () => {
      const impl = await make()
      // y = p + 1 (non-canonical encoding of y = 1, the identity)
      const nonCanonicalY = fromHex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
      expect(await impl.verify(nonCanonicalY, msg, sig)).toBe(false)
      // x = 0 with the sign bit set
      const negZero = fromHex('0100000000000000000000000000000000000000000000000000000000000080')
      expect(await impl.verify(negZero, msg, sig)).toBe(false)
      expect(await impl.verify(pk, msg, concatBytes(nonCanonicalY, sig.subarray(32)))).toBe(false)
    })

    it('rejects small-order public keys, even with a signature that satisfies the equation', async () => {
      const impl = await make()
      // With A = identity and R = identity, S = 0 satisfies [S]B = R + [k]A for every message.
      const identity = fromHex('0100000000000000000000000000000000000000000000000000000000000000')
      const forged = concatBytes(identity, new Uint8Array(32))
      expect(await impl.verify(identity, Uint8Array.of(1, 2, 3), forged)).toBe(false)
      const order2 = fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
      expect(await impl.verify(order2, msg, sig)).toBe(false)
    })

    it('uses the cofactorless equation: a mixed-order key signature is rejected like OpenSSL/BoringSSL do', async () => {
      const impl = await make()
      const c = mixedOrderCase()
      expect(c.cofactoredAccepts).toBe(true) // the case is a real disagreement point
      expect(await impl.verify(c.publicKey, c.message, c.signature)).toBe(false)
    })

    it('signs and verifies random messages, and a signature for one message fails for another', async () => {
      const impl = await make()
      for (let i = 0; i < 8; i++) {
        const seed = Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) & 255)
        const m = Uint8Array.from({ length: i * 40 }, (_, j) => j & 255)
        const p = await impl.publicKey(seed)
        const s = await impl.sign(seed, m)
        expect(await impl.verify(p, m, s)).toBe(true)
        expect(await impl.verify(p, concatBytes(m, Uint8Array.of(0)), s)).toBe(false)
      }
    })
  })
}
