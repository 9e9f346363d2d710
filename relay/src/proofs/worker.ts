/**
 * Worker-thread entry of the relay's proof engine: runs one ProofJob over the file store at `root`
 * and reports progress, then the result or a named error. The engine (engine.ts) aborts a job by
 * terminating this thread; seals resume from their on-disk checkpoints.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type ProofJob, runProofJob } from '../../../src/core/proofs/jobs.js'
import { fileStore } from './file-store.js'
import { relayHasher } from './node-hasher.js'

export type WorkerMessage =
  | { type: 'progress'; event: unknown }
  | { type: 'result'; value: unknown }
  | { type: 'error'; name: string; message: string }

const { root, job, algorithm } = (
  workerData as { data: { root: string; job: ProofJob; algorithm: 'blake3' | 'sha256' } }
).data
const post = (m: WorkerMessage) => parentPort!.postMessage(m)
try {
  const h = await relayHasher(algorithm)
  const value = await runProofJob(h, fileStore(root), job, {
    onProgress: (event) => post({ type: 'progress', event }),
  })
  post({ type: 'result', value })
} catch (err) {
  const e = err as Error
  post({ type: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(err) })
}
