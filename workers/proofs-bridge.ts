/**
 * The one module the app uses for storage-proof work (docs/proofs.md §Browser). Every call runs in a
 * fresh Web Worker (workers/proofs.worker.ts):
 *
 * - `signal`: aborting terminates the worker at once (no cooperative wait) and rejects with the
 *   signal's reason; a seal started again later resumes from its last checkpoint in the store;
 * - `onProgress`: typed progress events (SealProgress, UnsealProgress, PoStProgress);
 * - jobs on the same sector run one after the other (status queries excepted), so two workers never
 *   write one sector.
 */

import { type StorageReport, storageReport } from '../src/app/store/storage-info.js'
import type { AbortSignalLike } from '../src/core/abort.js'
import type {
  JobResult,
  PoStContextData,
  ProofJob,
  ProofProgress,
  SealContextData,
  SealJobOptions,
} from '../src/core/proofs/jobs.js'
import type { ProofParams } from '../src/core/proofs/params.js'
import type { SealSeed } from '../src/core/proofs/porep.js'
import type { PoStProgress, PoStRequest } from '../src/core/proofs/post.js'
import type { SealProgress, SealRequest } from '../src/core/proofs/seal.js'
import type { UnsealProgress } from '../src/core/proofs/unseal.js'
import type { StoreSpec, WorkerRequest, WorkerResponse } from './proofs-protocol.js'

export type { StoreSpec } from './proofs-protocol.js'

export interface CallOptions<P> {
  signal?: AbortSignalLike & {
    addEventListener?(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  }
  onProgress?: (event: P) => void
}

export interface ProofsBridgeInit {
  /** @default { kind: 'auto', name: 'watt-sectors' } */
  store?: StoreSpec
  /** Override how workers are made (tests, other bundlers). */
  createWorker?: () => Worker
}

export interface ProofsBridge {
  readonly store: StoreSpec
  run<J extends ProofJob>(job: J, options?: CallOptions<ProofProgress>): Promise<JobResult<J>>
  seal(
    request: SealRequest,
    options?: CallOptions<SealProgress> & {
      data?: Uint8Array
      /** Transfer `data`'s buffer to the worker instead of copying it (it becomes unusable here). */
      transferData?: boolean
      tuning?: SealJobOptions
    },
  ): Promise<JobResult<{ op: 'seal'; request: SealRequest }>>
  proveSeal(
    params: ProofParams,
    sectorId: string,
    seed: SealSeed,
    options?: CallOptions<never>,
  ): Promise<Uint8Array>
  provePoSt(
    request: PoStRequest,
    options?: CallOptions<PoStProgress>,
  ): Promise<{ bytes: Uint8Array; digest: Uint8Array }>
  unseal(
    params: ProofParams,
    sectorId: string,
    options?: CallOptions<UnsealProgress> & { output?: string; read?: boolean },
  ): Promise<{ output: string; commD: Uint8Array; data?: Uint8Array }>
  status(sectorId: string): Promise<JobResult<{ op: 'status'; sectorId: string }>>
  finalize(sectorId: string, layers: number, keepData?: boolean): Promise<void>
  verifySeal(
    proof: Uint8Array,
    context: SealContextData,
  ): Promise<JobResult<{ op: 'verifySeal'; proof: Uint8Array; context: SealContextData }>>
  verifyPoSt(
    proof: Uint8Array,
    context: PoStContextData,
  ): Promise<JobResult<{ op: 'verifyPoSt'; proof: Uint8Array; context: PoStContextData }>>
  /** Ask for persistent storage (when `ask`) and report quota, usage and what a pledge may count. */
  storage(ask?: boolean): Promise<StorageReport>
}

const defaultWorker = () =>
  new Worker(new URL('./proofs.worker.ts', import.meta.url), { type: 'module', name: 'watt-proofs' })

function sectorOf(job: ProofJob): string | undefined {
  switch (job.op) {
    case 'seal':
      return job.request.sectorId
    case 'proveSeal':
    case 'unseal':
    case 'finalize':
      return job.sectorId
    default:
      return undefined
  }
}

export function createProofsBridge(init: ProofsBridgeInit = {}): ProofsBridge {
  const store: StoreSpec = init.store ?? { kind: 'auto', name: 'watt-sectors' }
  const createWorker = init.createWorker ?? defaultWorker
  const queues = new Map<string, Promise<unknown>>()
  /** Seal jobs whose data buffer is transferred to the worker rather than copied. */
  const transfer = new WeakSet<ProofJob>()

  const exec = <J extends ProofJob>(job: J, options: CallOptions<ProofProgress>): Promise<JobResult<J>> =>
    new Promise((resolve, reject) => {
      const { signal, onProgress } = options
      if (signal?.aborted) return reject(signal.reason)
      const worker = createWorker()
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        worker.terminate()
        fn()
      }
      signal?.addEventListener?.('abort', () => settle(() => reject(signal.reason)), { once: true })
      worker.onmessage = (e: MessageEvent<WorkerResponse>) => {
        const m = e.data
        if (m.type === 'progress') onProgress?.(m.event)
        else if (m.type === 'result') settle(() => resolve(m.value as JobResult<J>))
        else settle(() => reject(Object.assign(new Error(m.message), { name: m.name })))
      }
      worker.onerror = (e) => settle(() => reject(new Error(`proofs worker failed: ${e.message}`)))
      const req: WorkerRequest = { type: 'run', job, store }
      const data = job.op === 'seal' && transfer.has(job) ? job.data : undefined
      worker.postMessage(req, data ? [data.buffer as ArrayBuffer] : [])
    })

  const run = <J extends ProofJob>(
    job: J,
    options: CallOptions<ProofProgress> = {},
  ): Promise<JobResult<J>> => {
    const sector = sectorOf(job)
    if (!sector) return exec(job, options)
    const before = queues.get(sector) ?? Promise.resolve()
    const mine = before.catch(() => undefined).then(() => exec(job, options))
    const tail = mine.catch(() => undefined)
    queues.set(sector, tail)
    void tail.then(() => {
      if (queues.get(sector) === tail) queues.delete(sector)
    })
    return mine
  }

  const progressAs = <P>(options: CallOptions<P>): CallOptions<ProofProgress> => ({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress as (e: ProofProgress) => void } : {}),
  })

  return {
    store,
    run,
    seal: (request, options = {}) => {
      const job: ProofJob = {
        op: 'seal',
        request,
        ...(options.data ? { data: options.data } : {}),
        ...(options.tuning ? { options: options.tuning } : {}),
      }
      if (options.transferData) transfer.add(job)
      return run(job, progressAs(options)) as Promise<JobResult<{ op: 'seal'; request: SealRequest }>>
    },
    proveSeal: (params, sectorId, seed, options = {}) =>
      run({ op: 'proveSeal', params, sectorId, seed }, progressAs(options)),
    provePoSt: (request, options = {}) => run({ op: 'provePoSt', request }, progressAs(options)),
    unseal: (params, sectorId, options = {}) =>
      run(
        {
          op: 'unseal',
          params,
          sectorId,
          ...(options.output ? { output: options.output } : {}),
          ...(options.read ? { read: true } : {}),
        },
        progressAs(options),
      ),
    status: (sectorId) => run({ op: 'status', sectorId }),
    finalize: (sectorId, layers, keepData = false) => run({ op: 'finalize', sectorId, layers, keepData }),
    verifySeal: (proof, context) => run({ op: 'verifySeal', proof, context }),
    verifyPoSt: (proof, context) => run({ op: 'verifyPoSt', proof, context }),
    storage: (ask = false) => storageReport({ ask }),
  }
}
