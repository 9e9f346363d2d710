/**
 * The unlocked wallet's signer. Where WebCrypto implements Ed25519 (Chromium ≥ 137, Firefox ≥ 129,
 * Safari ≥ 17) the seed is imported as a *non-extractable* CryptoKey and wiped from memory: page
 * script can then ask for signatures but cannot read the key back. Elsewhere the seed stays in this
 * closure and @noble/curves signs.
 */
import { concatBytes, fromHex } from '../../core/codec/bytes.js'
import { nobleEd25519 } from '../../core/crypto/ed25519.js'
import { accountAddress } from '../../core/crypto/strkey.js'
import { hasWebCryptoEd25519 } from '../../platform/ed25519-webcrypto.js'

export interface WalletSigner {
  readonly address: string
  readonly publicKey: Uint8Array
  /** 'webcrypto' (non-extractable key) or 'noble' (seed in memory). */
  readonly kind: 'webcrypto' | 'noble'
  sign(message: Uint8Array): Promise<Uint8Array>
}

const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420')
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)

/** Make a signer from a 32-byte seed. The seed passed in is wiped. */
export async function signerFromSeed(seed: Uint8Array): Promise<WalletSigner> {
  const publicKey = nobleEd25519.publicKeySync(seed)
  const address = accountAddress(publicKey)
  if (await hasWebCryptoEd25519()) {
    const pkcs8 = concatBytes(PKCS8_PREFIX, seed)
    const key = await crypto.subtle.importKey('pkcs8', ab(pkcs8), { name: 'Ed25519' }, false, ['sign'])
    pkcs8.fill(0)
    seed.fill(0)
    return {
      address,
      publicKey,
      kind: 'webcrypto',
      sign: async (message) =>
        new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, ab(message))),
    }
  }
  const kept = seed.slice()
  seed.fill(0)
  return { address, publicKey, kind: 'noble', sign: async (message) => nobleEd25519.signSync(kept, message) }
}

/** The public key and address of a seed, without keeping it. */
export function addressOfSeed(seed: Uint8Array): { publicKey: Uint8Array; address: string } {
  const publicKey = nobleEd25519.publicKeySync(seed)
  return { publicKey, address: accountAddress(publicKey) }
}
