/**
 * Parameters of the storage-proof construction (docs/proofs.md §Parameters) and the PoRep id that
 * binds every replica, graph and proof to one parameter set.
 *
 * Sources of the defaults:
 * - node size 32 B, base degree 6 (v−1 plus 5 Bucket-Sampling parents), expander degree 8: Filecoin
 *   SDR (spec.filecoin.io `algorithms/sdr` notation; rust-fil-proofs `BASE_DEGREE = 6`, `EXP_DEGREE = 8`).
 * - 8 layers for 32 MiB: ../shared/notes/storage-proofs.md §3.2 (log8(2^20) + 1; Fisch 2019 needs
 *   O(log 1/ε) layers, independent of N). Filecoin uses 11 layers for 2^30 nodes.
 * - 128 seal challenges: storage-proofs.md §3.3 ((1−δ)^128 ≈ 0.14 % for δ = 5 %).
 * - PoSt rounds m = clamp(2n, 64, 512) for n sectors: storage-proofs.md §3.4.
 * - BLAKE3 by measurement (BENCHMARKS.md §proofs, storage-proofs.md §3.2): the browser's hash-wasm
 *   BLAKE3 is ~3× faster than its SHA-256 on a label, and a native attacker gains less over it.
 */
import { concatBytes, u32be, utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { messageType } from '../codec/message.js'
import { enumeration, struct, u8, u16, u32, version } from '../codec/schema.js'
import { InvalidParamsError } from './errors.js'

/** Bytes per node (label, data or replica leaf). */
export const NODE_SIZE = 32

export const HASH_ALGORITHMS = ['blake3', 'sha256'] as const
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number]

export interface ProofParams {
  /** PoRep version: changes whenever the construction changes. */
  readonly version: 1
  /** Hash of labels, columns and Merkle trees. */
  readonly hash: HashAlgorithm
  /** Sector size in bytes: 32 · 2^k. */
  readonly sectorSize: number
  /** Number of stacked DRG layers L; layer L is the encoding key. */
  readonly layers: number
  /** In-layer parents: v−1 plus (baseDegree − 1) Bucket-Sampling parents. */
  readonly baseDegree: number
  /** Parents in the previous layer, from a Feistel permutation of the edges. */
  readonly expanderDegree: number
  /** Challenged nodes in a seal proof. */
  readonly sealChallenges: number
  /** PoSt rounds: clamp(2 · sectors, min, max). */
  readonly postChallengesMin: number
  readonly postChallengesMax: number
}

export const MIB = 1024 * 1024

/** The production parameters for browser light nodes: 32 MiB sectors, 8 layers, BLAKE3. */
export const DEFAULT_PARAMS: ProofParams = Object.freeze({
  version: 1,
  hash: 'blake3',
  sectorSize: 32 * MIB,
  layers: 8,
  baseDegree: 6,
  expanderDegree: 8,
  sealChallenges: 128,
  postChallengesMin: 64,
  postChallengesMax: 512,
})

/** Small parameters for tests: same construction, a small sector and fewer challenges. */
export function testParams(overrides: Partial<Omit<ProofParams, 'version'>> = {}): ProofParams {
  return validateParams({
    ...DEFAULT_PARAMS,
    sectorSize: 16 * 1024,
    layers: 4,
    sealChallenges: 8,
    postChallengesMin: 8,
    postChallengesMax: 16,
    ...overrides,
  })
}

/** Smallest and largest sector sizes accepted (2^5 and 2^25 nodes). */
export const MIN_SECTOR_SIZE = 32 * NODE_SIZE
export const MAX_SECTOR_SIZE = 1024 * MIB

/** Check a parameter set; returns it unchanged or throws `InvalidParamsError`. */
export function validateParams(p: ProofParams): ProofParams {
  const fail = (msg: string): never => {
    throw new InvalidParamsError(`proof params: ${msg}`)
  }
  if (p.version !== 1) fail(`unsupported version ${String(p.version)}`)
  if (!HASH_ALGORITHMS.includes(p.hash)) fail(`unknown hash ${String(p.hash)}`)
  const n = p.sectorSize / NODE_SIZE
  if (
    !Number.isInteger(n) ||
    n < MIN_SECTOR_SIZE / NODE_SIZE ||
    n > MAX_SECTOR_SIZE / NODE_SIZE ||
    (n & (n - 1)) !== 0
  )
    fail(`sector size must be 32·2^k bytes in [${MIN_SECTOR_SIZE}, ${MAX_SECTOR_SIZE}], got ${p.sectorSize}`)
  if (!Number.isInteger(p.layers) || p.layers < 2 || p.layers > 16)
    fail(`layers must be 2..16, got ${p.layers}`)
  if (!Number.isInteger(p.baseDegree) || p.baseDegree < 2 || p.baseDegree > 16)
    fail(`baseDegree must be 2..16, got ${p.baseDegree}`)
  if (!Number.isInteger(p.expanderDegree) || p.expanderDegree < 1 || p.expanderDegree > 16)
    fail(`expanderDegree must be 1..16, got ${p.expanderDegree}`)
  if (!Number.isInteger(p.sealChallenges) || p.sealChallenges < 1 || p.sealChallenges > 1024)
    fail(`sealChallenges must be 1..1024, got ${p.sealChallenges}`)
  if (
    !Number.isInteger(p.postChallengesMin) ||
    !Number.isInteger(p.postChallengesMax) ||
    p.postChallengesMin < 1 ||
    p.postChallengesMax < p.postChallengesMin ||
    p.postChallengesMax > 4096
  )
    fail(
      `PoSt challenges must satisfy 1 <= min <= max <= 4096, got ${p.postChallengesMin}..${p.postChallengesMax}`,
    )
  return p
}

/** Nodes per sector, N. */
export function nodesOf(p: ProofParams): number {
  return p.sectorSize / NODE_SIZE
}

/** Merkle tree depth, log2 N. */
export function depthOf(p: ProofParams): number {
  return 31 - Math.clz32(nodesOf(p))
}

/** Parents per node in layers ≥ 2 (in layer 1 only the base parents are hashed). */
export function degreeOf(p: ProofParams): number {
  return p.baseDegree + p.expanderDegree
}

/** PoSt rounds for a node with `sectors` active sectors (storage-proofs.md §3.4). */
export function postRounds(p: ProofParams, sectors: number): number {
  return Math.min(p.postChallengesMax, Math.max(p.postChallengesMin, 2 * sectors))
}

export const ProofParamsCodec = messageType(
  'ProofParams',
  struct('ProofParams', {
    version: version(1),
    hash: enumeration('HashAlgorithm', HASH_ALGORITHMS),
    sectorSize: u32,
    layers: u8,
    baseDegree: u8,
    expanderDegree: u8,
    sealChallenges: u16,
    postChallengesMin: u16,
    postChallengesMax: u16,
  }),
  64,
)

const POREP_ID_TAG = utf8('watt/proofs/porep-id/v1')

/**
 * The PoRep id: SHA-256 of the canonical parameter encoding. It enters every replica id and seeds the
 * graph, so a parameter change yields different replicas and a different graph (Filecoin's PoRepID,
 * spec `sdr` §ReplicaID).
 */
export function porepIdOf(p: ProofParams): Uint8Array {
  validateParams(p)
  const enc = ProofParamsCodec.encode({ ...p })
  return sha256(concatBytes(POREP_ID_TAG, u32be(enc.length), enc))
}
