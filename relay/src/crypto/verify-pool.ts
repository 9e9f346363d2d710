/**
 * A `BatchVerifier` that spreads signature checks over worker threads (one per core by default).
 * Small batches are verified inline: posting to a worker costs ~50 µs, about one verification.
 */
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { BatchVerifier, VerifyItem } from '../../../src/core/crypto/batch.js'
import { spawnTsWorker } from '../util/ts-worker.js'
import { nodeEd25519 } from './ed25519-node.js'

export interface VerifyPoolInit {
  /** @default os.availableParallelism() */
  threads?: number
  /** Below this many items per thread the batch is verified inline. @default 32 */
  minItemsPerThread?: number
}

export interface VerifyPool extends BatchVerifier {
  close(): Promise<void>
}

interface Pending {
  resolve: (r: Uint8Array) => void
  reject: (e: unknown) => void
}

export function createVerifyPool(init: VerifyPoolInit = {}): VerifyPool {
  const threads = Math.max(1, init.threads ?? availableParallelism())
  const minItems = init.minItemsPerThread ?? 32
  const pending = new Map<number, Pending>()
  let nextId = 1
  const workers = Array.from({ length: threads }, () => {
    const w = spawnTsWorker(new URL('./verify-worker.ts', import.meta.url))
    w.unref()
    w.on('message', (m: { id: number; results: Uint8Array }) => {
      pending.get(m.id)?.resolve(m.results)
      pending.delete(m.id)
    })
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err)
      pending.clear()
    })
    return w
  })

  const run = (w: Worker, items: VerifyItem[]) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      w.postMessage({ id, items })
    })

  return {
    name: `pool:node×${threads}`,
    async verifyBatch(items, options) {
      options?.signal?.throwIfAborted()
      if (items.length < minItems * 2 || threads === 1) {
        return items.map((it) => nodeEd25519.verifySync(it.publicKey, it.message, it.signature))
      }
      const chunk = Math.ceil(items.length / threads)
      const parts = workers.map((w, i) => run(w, items.slice(i * chunk, (i + 1) * chunk)))
      const results = await Promise.all(parts)
      options?.signal?.throwIfAborted()
      const out: boolean[] = []
      for (const r of results) for (const b of r) out.push(b === 1)
      return out
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
