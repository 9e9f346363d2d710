/**
 * The relay's proof engine: the pure engine (src/core/proofs) on worker threads over files on disk
 * (docs/proofs.md §Relay). Each job runs in its own thread, at most `threads` at a time; aborting a
 * job terminates its thread, and a seal started again resumes from its last checkpoint on disk.
 * Validators verify inline with `verifySeal`/`verifyPoSt` (milliseconds) or through `run` with a
 * verification job to keep the event loop free.
 */
import { availableParallelism } from 'node:os'
import type { AbortSignalLike } from '../../../src/core/abort.js'
import {
  type JobResult,
  jobHashAlgorithm,
  type ProofJob,
  type ProofProgress,
} from '../../../src/core/proofs/jobs.js'
import { spawnTsWorker } from '../util/ts-worker.js'
import type { WorkerMessage } from './worker.js'

export interface ProofEngineInit {
  /** Directory holding the sector store. */
  root: string
  /** Concurrent jobs. @default os.availableParallelism() */
  threads?: number
}

export interface JobOptions {
  signal?: AbortSignalLike & {
    addEventListener?(type: 'abort', fn: () => void, o?: { once?: boolean }): void
  }
  onProgress?: (event: ProofProgress) => void
}

export interface ProofEngine {
  readonly root: string
  run<J extends ProofJob>(job: J, options?: JobOptions): Promise<JobResult<J>>
  /** Jobs running or queued. */
  readonly pending: number
}

export function createProofEngine(init: ProofEngineInit): ProofEngine {
  const threads = Math.max(1, init.threads ?? availableParallelism())
  let running = 0
  let pending = 0
  const queue: (() => void)[] = []
  const acquire = async () => {
    if (running >= threads) await new Promise<void>((resolve) => queue.push(resolve))
    running++
  }
  const release = () => {
    running--
    queue.shift()?.()
  }

  return {
    root: init.root,
    get pending() {
      return pending
    },
    async run(job, options = {}) {
      const { signal, onProgress } = options
      pending++
      try {
        signal?.throwIfAborted()
        await acquire()
        try {
          signal?.throwIfAborted()
          return await new Promise((resolve, reject) => {
            const worker = spawnTsWorker(new URL('./worker.ts', import.meta.url), {
              data: { root: init.root, job, algorithm: jobHashAlgorithm(job) },
            })
            let settled = false
            const settle = (fn: () => void) => {
              if (settled) return
              settled = true
              fn()
              void worker.terminate()
            }
            signal?.addEventListener?.('abort', () => settle(() => reject(signal.reason)), { once: true })
            worker.on('message', (m: WorkerMessage) => {
              if (m.type === 'progress') onProgress?.(m.event as ProofProgress)
              else if (m.type === 'result') settle(() => resolve(m.value as JobResult<typeof job>))
              else settle(() => reject(Object.assign(new Error(m.message), { name: m.name })))
            })
            worker.on('error', (err) => settle(() => reject(err)))
            worker.on('exit', (code) =>
              settle(() => reject(new Error(`proof worker exited with code ${code} before answering`))),
            )
          })
        } finally {
          release()
        }
      } finally {
        pending--
      }
    },
  }
}
