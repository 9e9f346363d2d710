/** Start a worker thread whose entry is a TypeScript module (see ts-worker-entry.mjs). */
import { Worker, type WorkerOptions } from 'node:worker_threads'

export function spawnTsWorker(
  entry: URL,
  options: Omit<WorkerOptions, 'workerData'> & { data?: unknown } = {},
): Worker {
  const { data, ...rest } = options
  return new Worker(new URL('./ts-worker-entry.mjs', import.meta.url), {
    ...rest,
    workerData: { entry: entry.href, data },
  })
}
