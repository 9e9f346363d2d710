/**
 * Ed25519 on node:crypto (OpenSSL): the fastest backend in Node (see BENCHMARKS.md) and therefore the
 * relay's default. Watt's precheck runs first so the answer matches every other backend.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import { fromHex } from '../../../src/core/codec/bytes.js'
import { checkSeed, precheck, type SyncEd25519 } from '../../../src/core/crypto/ed25519.js'

const SPKI_PREFIX = Buffer.from(fromHex('302a300506032b6570032100'))
const PKCS8_PREFIX = Buffer.from(fromHex('302e020100300506032b657004220420'))
const KEY_CACHE_LIMIT = 8192

const publicKeys = new Map<string, KeyObject>()
const privateKeys = new Map<string, KeyObject>()

function cached(cache: Map<string, KeyObject>, bytes: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  let key = cache.get(id)
  if (!key) {
    if (cache.size >= KEY_CACHE_LIMIT) cache.delete(cache.keys().next().value!)
    key = make()
    cache.set(id, key)
  }
  return key
}

// A JWK import is about 8× cheaper than a DER/SPKI one in Node 20 (13 µs against 100 µs, measured):
// every payment from an account not seen recently pays it once.
const publicKeyObject = (pk: Uint8Array) =>
  cached(publicKeys, pk, () =>
    createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(pk.buffer, pk.byteOffset, pk.byteLength).toString('base64url'),
      },
      format: 'jwk',
    }),
  )
const privateKeyObject = (seed: Uint8Array) =>
  cached(privateKeys, checkSeed(seed), () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  )

export const nodeEd25519: SyncEd25519 = {
  name: 'node',
  publicKeySync(seed) {
    const der = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' })
    return new Uint8Array(der.subarray(SPKI_PREFIX.length))
  },
  signSync: (seed, message) => new Uint8Array(sign(null, message, privateKeyObject(seed))),
  verifySync(publicKey, message, signature) {
    if (!precheck(publicKey, signature)) return false
    try {
      return verify(null, message, publicKeyObject(publicKey), signature)
    } catch {
      return false
    }
  },
  publicKey: async (seed) => nodeEd25519.publicKeySync(seed),
  sign: async (seed, message) => nodeEd25519.signSync(seed, message),
  verify: async (publicKey, message, signature) => nodeEd25519.verifySync(publicKey, message, signature),
}
