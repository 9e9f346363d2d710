/// <reference lib="webworker" />
/** Web Worker entry of the browser's signature-verification pool (workers/verify-pool.ts). */
import { pickEd25519 } from '../src/platform/ed25519.js'

interface Job {
  id: number
  items: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }[]
}

const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = async (e: MessageEvent<Job>) => {
  const impl = await pickEd25519()
  const { id, items } = e.data
  const results = new Uint8Array(items.length)
  await Promise.all(
    items.map(async (it, i) => {
      results[i] = (await impl.verify(it.publicKey, it.message, it.signature)) ? 1 : 0
    }),
  )
  scope.postMessage({ id, results, backend: impl.name }, [results.buffer])
}
