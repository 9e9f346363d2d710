/**
 * Web Worker entry for sealing, proving, unsealing and verifying (docs/proofs.md §Browser): one job
 * per worker instance, started by workers/proofs-bridge.ts, which terminates the worker to cancel.
 * Sectors live in OPFS through sync access handles (only possible in a dedicated worker), or in
 * IndexedDB where OPFS is missing. Seals checkpoint into the store, so a job started again after the
 * tab closed resumes.
 */
import { idbSectorStore } from '../src/app/store/idb-sector-store.js'
import { opfsAvailable, opfsSectorStore } from '../src/app/store/opfs-sector-store.js'
import { jobHashAlgorithm, type ProofJob, runProofJob } from '../src/core/proofs/jobs.js'
import { loadCheckpoint, writeSectorData } from '../src/core/proofs/sector.js'
import type { SectorStore } from '../src/core/proofs/store.js'
import { createHashWasmHasher } from '../src/platform/hash-wasm.js'
import type { StoreSpec, WorkerRequest, WorkerResponse } from './proofs-protocol.js'

const scope = self as unknown as {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null
}

async function openStore(spec: StoreSpec): Promise<SectorStore> {
  const name = spec.name ?? 'watt-sectors'
  if (spec.kind === 'opfs' || (spec.kind === 'auto' && opfsAvailable())) return opfsSectorStore(name)
  return idbSectorStore(name)
}

scope.onmessage = async (e) => {
  const req = e.data
  let job: ProofJob = req.job
  // Drop the message's reference to the job: a seal's data (32 MiB) can then be collected as soon as
  // it is in the store, instead of living as long as the seal.
  ;(req as { job: ProofJob | null }).job = null
  try {
    const [store, h] = await Promise.all([openStore(req.store), createHashWasmHasher(jobHashAlgorithm(job))])
    if (job.op === 'seal' && job.data) {
      if (!(await loadCheckpoint(store, job.request.sectorId)))
        await writeSectorData(store, job.request.sectorId, job.data)
      job = { op: 'seal', request: job.request, ...(job.options ? { options: job.options } : {}) }
    }
    const value = await runProofJob(h, store, job, {
      onProgress: (event) => scope.postMessage({ type: 'progress', event }),
    })
    const data = (value as { data?: unknown } | undefined)?.data
    scope.postMessage(
      { type: 'result', value, storeKind: store.kind },
      data instanceof Uint8Array ? [data.buffer as ArrayBuffer] : [],
    )
  } catch (err) {
    const x = err as Error
    scope.postMessage({ type: 'error', name: x?.name ?? 'Error', message: x?.message ?? String(err) })
  }
}
