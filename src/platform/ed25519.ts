/**
 * Choose the Ed25519 backend for this platform: WebCrypto where it implements Ed25519 (native, and
 * 10–16× faster than pure JS, see BENCHMARKS.md), else the @noble/curves fallback. The relay uses
 * node:crypto instead (relay/src/crypto/index.ts), the fastest in Node.
 */
import { type Ed25519, nobleEd25519 } from '../core/crypto/ed25519.js'
import { hasWebCryptoEd25519, webCryptoEd25519 } from './ed25519-webcrypto.js'

let chosen: Promise<Ed25519> | undefined

export function pickEd25519(): Promise<Ed25519> {
  chosen ??= hasWebCryptoEd25519().then((ok) => (ok ? webCryptoEd25519() : nobleEd25519))
  return chosen
}
