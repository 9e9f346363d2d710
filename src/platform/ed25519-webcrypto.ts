/**
 * Ed25519 on WebCrypto (`crypto.subtle`, algorithm "Ed25519"): native code in browsers (BoringSSL in
 * Chromium) and in Node (OpenSSL). Watt's precheck runs first so the answer matches every other
 * backend (src/core/crypto/ed25519.ts).
 */
import { concatBytes, fromHex } from '../core/codec/bytes.js'
import { checkSeed, type Ed25519, precheck } from '../core/crypto/ed25519.js'

const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')
const ALGORITHM = { name: 'Ed25519' } as const
const KEY_CACHE_LIMIT = 4096

function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  const bin = atob(b64)
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

/** Copy into a fresh ArrayBuffer-backed view: WebCrypto typings reject SharedArrayBuffer-backed views. */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)

export function webCryptoEd25519(subtle: SubtleCrypto = globalThis.crypto.subtle): Ed25519 {
  const verifyKeys = new Map<string, Promise<CryptoKey>>()
  const keyFor = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = String.fromCharCode(...publicKey)
    let key = verifyKeys.get(id)
    if (!key) {
      if (verifyKeys.size >= KEY_CACHE_LIMIT) verifyKeys.delete(verifyKeys.keys().next().value!)
      key = subtle.importKey('raw', buf(publicKey), ALGORITHM, false, ['verify'])
      verifyKeys.set(id, key)
    }
    return key
  }
  const privateKey = (seed: Uint8Array, extractable: boolean) =>
    subtle.importKey('pkcs8', buf(concatBytes(PKCS8_PREFIX, checkSeed(seed))), ALGORITHM, extractable, [
      'sign',
    ])
  return {
    name: 'webcrypto',
    async publicKey(seed) {
      const jwk = await subtle.exportKey('jwk', await privateKey(seed, true))
      return fromBase64Url(jwk.x!)
    },
    async sign(seed, message) {
      return new Uint8Array(await subtle.sign(ALGORITHM, await privateKey(seed, false), buf(message)))
    },
    async verify(publicKey, message, signature) {
      if (!precheck(publicKey, signature)) return false
      try {
        return await subtle.verify(ALGORITHM, await keyFor(publicKey), buf(signature), buf(message))
      } catch {
        return false
      }
    },
  }
}

/** Whether this platform's WebCrypto implements Ed25519 (Chromium ≥ 137, Firefox ≥ 129, Safari ≥ 17, Node ≥ 18.4). */
export async function hasWebCryptoEd25519(
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
): Promise<boolean> {
  if (!subtle) return false
  try {
    // RFC 8032 §7.1 TEST 1 public key; importing it proves the algorithm exists.
    const pk = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    await subtle.importKey('raw', buf(pk), ALGORITHM, false, ['verify'])
    return true
  } catch {
    return false
  }
}
