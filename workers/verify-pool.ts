/**
 * The browser's `BatchVerifier`: signature batches spread over Web Workers (one per core, at most 4).
 * With WebCrypto's native Ed25519 the gain is modest (WebCrypto already runs off the main thread);
 * with the pure-JS fallback (browsers without WebCrypto Ed25519) it keeps the page responsive and uses
 * every core. Small batches are verified in the page. Abort terminates the workers (they restart on
 * the next call).
 */
import type { AbortOptions } from '../src/core/abort.js'
import type { BatchVerifier, VerifyItem } from '../src/core/crypto/batch.js'
import { pickEd25519 } from '../src/platform/ed25519.js'

export interface WebVerifyPool extends BatchVerifier {
  /** How many workers the pool runs. */
  readonly threads: number
  close(): void
}

export function createWebVerifyPool(
  init: { threads?: number; minItemsPerWorker?: number } = {},
): WebVerifyPool {
  const threads = Math.max(1, Math.min(4, init.threads ?? navigator.hardwareConcurrency ?? 2))
  const minItems = init.minItemsPerWorker ?? 16
  let workers: Worker[] = []
  let nextId = 1
  const pending = new Map<number, { resolve: (r: Uint8Array) => void; reject: (e: unknown) => void }>()
  const spawn = (): Worker[] => {
    if (workers.length === 0) {
      workers = Array.from({ length: threads }, () => {
        const w = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module' })
        w.onmessage = (e: MessageEvent<{ id: number; results: Uint8Array }>) => {
          pending.get(e.data.id)?.resolve(e.data.results)
          pending.delete(e.data.id)
        }
        w.onerror = (e) => {
          for (const p of pending.values()) p.reject(new Error(`verify worker failed: ${e.message}`))
          pending.clear()
        }
        return w
      })
    }
    return workers
  }
  const close = () => {
    for (const w of workers) w.terminate()
    workers = []
    for (const p of pending.values()) p.reject(new DOMException('verification aborted', 'AbortError'))
    pending.clear()
  }
  const run = (w: Worker, items: VerifyItem[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      w.postMessage({ id, items })
    })
  return {
    name: `web-pool×${threads}`,
    threads,
    async verifyBatch(items, options: AbortOptions = {}) {
      options.signal?.throwIfAborted()
      if (items.length < minItems * 2 || threads === 1) {
        const impl = await pickEd25519()
        return Promise.all(items.map((it) => impl.verify(it.publicKey, it.message, it.signature)))
      }
      const onAbort = () => close()
      const signal = options.signal as AbortSignal | undefined
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        const ws = spawn()
        const chunk = Math.ceil(items.length / ws.length)
        const parts = await Promise.all(ws.map((w, i) => run(w, items.slice(i * chunk, (i + 1) * chunk))))
        const out: boolean[] = []
        for (const r of parts) for (const b of r) out.push(b === 1)
        return out
      } finally {
        signal?.removeEventListener('abort', onAbort)
      }
    },
    close,
  }
}
