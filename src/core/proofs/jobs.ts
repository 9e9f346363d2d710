/**
 * Proof work as plain, structured-clonable jobs, so the same dispatcher runs in a browser Web Worker
 * (workers/proofs.worker.ts) and in a relay worker thread (relay/src/proofs/worker.ts): the caller
 * posts a job, receives typed progress events and one result. Verification contexts travel as data
 * (the ledger hashes and known replica ids the verifier needs), not as callbacks.
 */
import type { AbortSignalLike } from '../abort.js'
import { toHex } from '../codec/bytes.js'
import type { SealedSectorInfo } from './codecs.js'
import type { Hasher } from './hasher.js'
import type { HashAlgorithm, ProofParams } from './params.js'
import { encodeSealProof, proveSeal, type SealSeed, type SealVerifyContext, verifySeal } from './porep.js'
import {
  encodePoSt,
  type PoStProgress,
  type PoStRequest,
  type PoStVerifyContext,
  provePoSt,
  verifyPoSt,
} from './post.js'
import type { PoStVerifyResult, SealVerifyResult } from './results.js'
import { type SealOptions, type SealProgress, type SealRequest, sealSector } from './seal.js'
import { finalizeSector, loadCheckpoint, readSealedInfo, sectorPaths, writeSectorData } from './sector.js'
import { readWholeFile, type SectorStore } from './store.js'
import { type UnsealProgress, unsealSector } from './unseal.js'

/** Ledger facts a verification needs, as data. */
export interface LedgerFacts {
  /** Finalized ledger hashes the verifier may look up (ticket, seed, beacon heights). */
  readonly ledgerHashes: readonly { readonly height: bigint; readonly hash: Uint8Array }[]
}

export type SealContextData = Omit<SealVerifyContext, 'ledgerHash' | 'isReplicaKnown'> &
  LedgerFacts & { readonly knownReplicaIds: readonly Uint8Array[] }
export type PoStContextData = Omit<PoStVerifyContext, 'ledgerHash'> & LedgerFacts

const lookup = (facts: LedgerFacts) => {
  const m = new Map(facts.ledgerHashes.map((e) => [e.height, e.hash]))
  return (height: bigint) => m.get(height)
}

export function sealContextFromData(d: SealContextData): SealVerifyContext {
  const known = new Set(d.knownReplicaIds.map(toHex))
  return { ...d, ledgerHash: lookup(d), isReplicaKnown: (id) => known.has(toHex(id)) }
}

export function postContextFromData(d: PoStContextData): PoStVerifyContext {
  return { ...d, ledgerHash: lookup(d) }
}

export type SealJobOptions = Pick<SealOptions, 'chunkNodes' | 'checkpointEvery' | 'rowsToDiscard'>

export type ProofJob =
  | {
      readonly op: 'seal'
      readonly request: SealRequest
      /** The sector's data; written before a fresh seal, ignored when resuming from a checkpoint. */
      readonly data?: Uint8Array
      readonly options?: SealJobOptions
    }
  | {
      readonly op: 'proveSeal'
      readonly params: ProofParams
      readonly sectorId: string
      readonly seed: SealSeed
    }
  | { readonly op: 'provePoSt'; readonly request: PoStRequest }
  | {
      readonly op: 'unseal'
      readonly params: ProofParams
      readonly sectorId: string
      readonly output?: string
      /** Also return the recovered bytes. */
      readonly read?: boolean
    }
  | {
      readonly op: 'finalize'
      readonly sectorId: string
      readonly layers: number
      readonly keepData?: boolean
    }
  | { readonly op: 'status'; readonly sectorId: string }
  | { readonly op: 'verifySeal'; readonly proof: Uint8Array; readonly context: SealContextData }
  | { readonly op: 'verifyPoSt'; readonly proof: Uint8Array; readonly context: PoStContextData }

export interface SectorStatus {
  readonly sealed: boolean
  readonly info?: SealedSectorInfo
  /** Seal checkpoint when a seal is under way (or interrupted). */
  readonly checkpoint?: { readonly phase: string; readonly layer: number; readonly nodesDone: number }
}

export interface JobResults {
  seal: SealedSectorInfo
  proveSeal: Uint8Array
  provePoSt: { bytes: Uint8Array; digest: Uint8Array }
  unseal: { output: string; commD: Uint8Array; data?: Uint8Array }
  finalize: undefined
  status: SectorStatus
  verifySeal: SealVerifyResult
  verifyPoSt: PoStVerifyResult
}

export type JobResult<J extends ProofJob> = JobResults[J['op']]
export type ProofProgress = SealProgress | UnsealProgress | PoStProgress

/** Run one job against a store. Throws named errors (and the signal's reason on abort). */
export async function runProofJob<J extends ProofJob>(
  h: Hasher,
  store: SectorStore,
  job: J,
  options: { signal?: AbortSignalLike; onProgress?: (p: ProofProgress) => void } = {},
): Promise<JobResult<J>> {
  const run = async (): Promise<JobResults[keyof JobResults]> => {
    switch (job.op) {
      case 'seal': {
        const cp = await loadCheckpoint(store, job.request.sectorId)
        if (!cp && job.data) await writeSectorData(store, job.request.sectorId, job.data)
        return sealSector(h, store, job.request, { ...job.options, ...options })
      }
      case 'proveSeal':
        return encodeSealProof(
          job.params,
          await proveSeal(h, store, job.sectorId, job.params, job.seed, options),
        )
      case 'provePoSt':
        return encodePoSt(job.request.params, await provePoSt(h, store, job.request, options))
      case 'unseal': {
        const r = await unsealSector(h, store, job.sectorId, job.params, {
          ...options,
          ...(job.output ? { output: job.output } : {}),
        })
        return job.read ? { ...r, data: await readWholeFile(store, r.output) } : r
      }
      case 'finalize':
        await finalizeSector(store, job.sectorId, job.layers, job.keepData ? { keepData: true } : {})
        return undefined
      case 'status': {
        const cp = await loadCheckpoint(store, job.sectorId)
        if (cp?.phase === 'done' || (!cp && (await store.exists(sectorPaths(job.sectorId).meta)))) {
          const info = await readSealedInfo(store, job.sectorId)
          return { sealed: true, info }
        }
        return cp
          ? { sealed: false, checkpoint: { phase: cp.phase, layer: cp.layer, nodesDone: cp.nodesDone } }
          : { sealed: false }
      }
      case 'verifySeal':
        return verifySeal(h, job.proof, sealContextFromData(job.context))
      case 'verifyPoSt':
        return verifyPoSt(h, job.proof, postContextFromData(job.context))
    }
  }
  return (await run()) as JobResult<J>
}

/** The hash a job's parameters call for (the worker creates its hasher from it). */
export function jobHashAlgorithm(job: ProofJob): HashAlgorithm {
  switch (job.op) {
    case 'seal':
      return job.request.params.hash
    case 'provePoSt':
      return job.request.params.hash
    case 'proveSeal':
    case 'unseal':
      return job.params.hash
    case 'verifySeal':
    case 'verifyPoSt':
      return job.context.params.hash
    default:
      // finalize and status hash nothing.
      return 'blake3'
  }
}
