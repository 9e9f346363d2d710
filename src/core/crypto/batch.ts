/**
 * Batch signature verification. The core lists what must be verified (`VerifyItem`s); a
 * `BatchVerifier` decides how: inline on this thread, or spread over worker threads (relay,
 * relay/src/crypto/verify-pool.ts) or Web Workers (PWA, workers/verify.worker.ts).
 */
import type { AbortOptions } from '../abort.js'
import type { Ed25519 } from './ed25519.js'

export interface VerifyItem {
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}

export interface BatchVerifier {
  readonly name: string
  /** One boolean per item, in order. Rejects only on abort. */
  verifyBatch(items: readonly VerifyItem[], options?: AbortOptions): Promise<boolean[]>
}

/** Verify on the calling thread with one backend, checking the abort signal between items. */
export function inlineBatchVerifier(impl: Ed25519): BatchVerifier {
  return {
    name: `inline:${impl.name}`,
    async verifyBatch(items, options) {
      const out: boolean[] = new Array(items.length)
      for (let i = 0; i < items.length; i++) {
        if ((i & 63) === 0) options?.signal?.throwIfAborted()
        const it = items[i]!
        out[i] = await impl.verify(it.publicKey, it.message, it.signature)
      }
      return out
    },
  }
}
