/** Messages between the proofs bridge (page) and the proofs worker (workers/proofs.worker.ts). */
import type { ProofJob, ProofProgress } from '../src/core/proofs/jobs.js'

/** Where the worker keeps sectors: OPFS when it can ('auto'), or IndexedDB. */
export interface StoreSpec {
  readonly kind: 'auto' | 'opfs' | 'indexeddb'
  /** OPFS root directory / IndexedDB database name. @default 'watt-sectors' */
  readonly name?: string
}

export interface WorkerRequest {
  readonly type: 'run'
  readonly job: ProofJob
  readonly store: StoreSpec
}

export type WorkerResponse =
  | { readonly type: 'progress'; readonly event: ProofProgress }
  | { readonly type: 'result'; readonly value: unknown; readonly storeKind: string }
  | { readonly type: 'error'; readonly name: string; readonly message: string }
