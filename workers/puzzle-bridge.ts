/**
 * The one function the app uses to solve a puzzle (the same pattern as workers/proofs-bridge.ts):
 * every call runs in a fresh Web Worker (workers/puzzle.worker.ts);
 *
 * - `signal`: aborting terminates the worker at once and rejects with the signal's reason;
 * - `onProgress`: a typed event after every Argon2id attempt.
 */
import type {
  PuzzleProgress,
  PuzzleRequest,
  PuzzleResponse,
  PuzzleSolution,
  PuzzleTask,
} from './puzzle-protocol.js'

export type { PuzzleKind, PuzzleProgress, PuzzleSolution, PuzzleTask } from './puzzle-protocol.js'

export interface SolveInWorkerOptions {
  signal?: AbortSignal
  onProgress?: (event: PuzzleProgress) => void
  /** Override how the worker is made (tests, other bundlers). */
  createWorker?: () => Worker
}

/** The worker failed to start or crashed (not a rejected task). */
export class PuzzleWorkerError extends Error {
  override readonly name = 'PuzzleWorkerError'
}

const defaultWorker = () =>
  new Worker(new URL('./puzzle.worker.ts', import.meta.url), { type: 'module', name: 'watt-puzzle' })

/** A random 48-bit start nonce (enough to keep two devices apart; the search space is 64 bits). */
export function randomStartNonce(): bigint {
  const b = crypto.getRandomValues(new Uint8Array(6))
  return b.reduce((n, x) => (n << 8n) | BigInt(x), 0n)
}

export function solveInWorker(task: PuzzleTask, options: SolveInWorkerOptions = {}): Promise<PuzzleSolution> {
  return new Promise((resolve, reject) => {
    const { signal, onProgress } = options
    if (signal?.aborted) return reject(signal.reason)
    const worker = (options.createWorker ?? defaultWorker)()
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      worker.terminate()
      signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = () => settle(() => reject(signal!.reason))
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.onmessage = (e: MessageEvent<PuzzleResponse>) => {
      const m = e.data
      if (m.type === 'progress') onProgress?.(m.event)
      else if (m.type === 'result') settle(() => resolve(m.value))
      else settle(() => reject(Object.assign(new Error(m.message), { name: m.name })))
    }
    worker.onerror = (e) => settle(() => reject(new PuzzleWorkerError(`puzzle worker failed: ${e.message}`)))
    const req: PuzzleRequest = { type: 'solve', task }
    worker.postMessage(req)
  })
}
