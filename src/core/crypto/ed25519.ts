/**
 * Ed25519 behind one interface, with one set of validity rules for every implementation.
 *
 * Consensus needs every node to agree on which signatures are valid, but Ed25519 libraries disagree
 * on edge cases (non-canonical encodings, small-order keys, cofactored vs cofactorless equations; see
 * "Taming the many EdDSAs", Chalkias et al., 2020). Watt fixes the rules here and every backend
 * (node:crypto, WebCrypto, @noble/curves) runs `precheck` first, then the *cofactorless* equation
 * [S]B = R + [k]A compared as encodings, which is what OpenSSL and BoringSSL compute natively:
 *
 *   1. lengths: public key 32 bytes, signature 64 bytes;
 *   2. S canonical: S < L (RFC 8032 §5.1.7 step 1);
 *   3. A and R canonical encodings: y < p, and no "negative zero" x (RFC 8032 §5.1.3 decoding rules);
 *   4. A not of small order (one of the 8 torsion points): such a key verifies forged messages.
 *
 * The compliance suite (test/unit/crypto/ed25519.compliance.test.ts) checks that all backends give the
 * same answer on RFC 8032 vectors and on each of these edge cases.
 */
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes, fromHex } from '../codec/bytes.js'

export interface Ed25519 {
  /** Backend name, for benchmarks and diagnostics: 'node', 'webcrypto', 'noble'. */
  readonly name: string
  /** The 32-byte public key of a 32-byte seed (RFC 8032 §5.1.5). */
  publicKey(seed: Uint8Array): Promise<Uint8Array>
  sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>
  /** True only for a valid signature under Watt's rules; false (never a throw) for any bad input. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>
}

/** A backend that can also work synchronously (node:crypto, noble): needed by SCP's signEnvelope. */
export interface SyncEd25519 extends Ed25519 {
  publicKeySync(seed: Uint8Array): Uint8Array
  signSync(seed: Uint8Array, message: Uint8Array): Uint8Array
  verifySync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
}

/** Something that can sign as one key without revealing it (a seed in memory, a non-extractable CryptoKey). */
export interface Signer {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
}

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L_LE = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
const TORSION = ED25519_TORSION_SUBGROUP.map((h) => fromHex(h))

/** a < b for 32-byte little-endian numbers. */
function lessThanLE(a: Uint8Array, aOffset: number, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = a[aOffset + i]!
    const y = b[i]!
    if (x !== y) return x < y
  }
  return false
}

/**
 * A point encoding is canonical when its y (low 255 bits) is < p = 2^255 − 19 and it does not encode
 * x = 0 with the sign bit set (possible only for y = 1 and y = p − 1).
 */
export function isCanonicalPointEncoding(bytes: Uint8Array, offset = 0): boolean {
  const top = bytes[offset + 31]! & 0x7f
  const sign = bytes[offset + 31]! >> 7
  // y >= p  ⇔  top == 0x7f, bytes 1..30 == 0xff, byte 0 >= 0xed
  let allFF = top === 0x7f
  for (let i = 1; allFF && i < 31; i++) allFF = bytes[offset + i] === 0xff
  if (allFF && bytes[offset]! >= 0xed) return false
  if (sign === 1) {
    // y == 1: byte0 = 1, rest 0 (top 0)
    let isOne = bytes[offset] === 1 && top === 0
    for (let i = 1; isOne && i < 31; i++) isOne = bytes[offset + i] === 0
    // y == p − 1: byte0 = 0xec, bytes 1..30 = 0xff, top = 0x7f
    const isPm1 = allFF && bytes[offset] === 0xec
    if (isOne || isPm1) return false
  }
  return true
}

export function isSmallOrderEncoding(bytes: Uint8Array, offset = 0): boolean {
  const view = bytes.subarray(offset, offset + 32)
  return TORSION.some((t) => equalBytes(t, view))
}

/** Watt's validity rules that come before the curve equation (see the module comment). */
export function precheck(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false
  if (publicKey.length !== 32 || signature.length !== 64) return false
  if (!lessThanLE(signature, 32, L_LE)) return false
  if (!isCanonicalPointEncoding(publicKey) || !isCanonicalPointEncoding(signature, 0)) return false
  if (isSmallOrderEncoding(publicKey)) return false
  return true
}

const Point = ed25519.Point
const N = Point.Fn.ORDER

function bytesToNumberLE(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

/**
 * Pure-JS fallback on @noble/curves, with the cofactorless equation so it agrees with the native
 * backends bit for bit. About 10–16× slower than native: used only where nothing native exists.
 */
export const nobleEd25519: SyncEd25519 = {
  name: 'noble',
  publicKeySync: (seed) => ed25519.getPublicKey(checkSeed(seed)),
  signSync: (seed, message) => ed25519.sign(message, checkSeed(seed)),
  verifySync(publicKey, message, signature) {
    if (!precheck(publicKey, signature)) return false
    try {
      const A = Point.fromBytes(publicKey)
      const s = bytesToNumberLE(signature.subarray(32))
      const k = bytesToNumberLE(sha512(concatBytes(signature.subarray(0, 32), publicKey, message))) % N
      // R' = [S]B − [k]A, compared with R as an encoding (cofactorless, like OpenSSL/BoringSSL).
      const rCheck = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k))
      return equalBytes(rCheck.toBytes(), signature.subarray(0, 32))
    } catch {
      return false
    }
  },
  publicKey: async (seed) => nobleEd25519.publicKeySync(seed),
  sign: async (seed, message) => nobleEd25519.signSync(seed, message),
  verify: async (publicKey, message, signature) => nobleEd25519.verifySync(publicKey, message, signature),
}

export function checkSeed(seed: Uint8Array): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new RangeError(
      `ed25519: expected a 32-byte seed, got ${seed instanceof Uint8Array ? seed.length : typeof seed}`,
    )
  }
  return seed
}

/** A `Signer` over a seed held in memory, using any backend. */
export async function seedSigner(impl: Ed25519, seed: Uint8Array): Promise<Signer> {
  const publicKey = await impl.publicKey(checkSeed(seed))
  return { publicKey, sign: (message) => impl.sign(seed, message) }
}
