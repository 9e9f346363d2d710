/**
 * Wire formats of the proof engine (docs/proofs.md §Wire formats), on the canonical codec: tuple
 * structs, strict decoding with named errors, and a size limit per message type computed from the
 * parameters (a proof of the wrong shape for its parameters fails to decode).
 *
 * Paths and columns are packed byte strings (depth·32 and L·32 bytes) rather than lists of 32-byte
 * strings: the same bytes with 0.3 % framing instead of 6 %.
 */
import { concatBytes, utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { type MessageType, messageType } from '../codec/message.js'
import {
  bytes,
  enumeration,
  hash32,
  type Infer,
  list,
  optional,
  struct,
  u8,
  u32,
  u64,
  version,
} from '../codec/schema.js'
import { degreeOf, depthOf, type ProofParams, validateParams } from './params.js'
import { POST_REJECTIONS } from './results.js'

/** CBOR framing bound of a byte string of n bytes (header ≤ 5 bytes). */
const B = (n: number) => n + 5
/** Framing bound of a struct/list header. */
const S = 5
const U64 = 9

/** What the ledger keeps about a sealed sector, and what the sealer keeps next to the replica. */
export const SealedSectorInfo = messageType(
  'SealedSectorInfo',
  struct('SealedSectorInfo', {
    v: version(1),
    porepId: hash32,
    miner: hash32,
    sectorNumber: u64,
    ticketHeight: u64,
    ticket: hash32,
    commD: hash32,
    replicaId: hash32,
    commC: hash32,
    commRLast: hash32,
    commR: hash32,
  }),
  512,
)
export type SealedSectorInfo = Infer<typeof SealedSectorInfo.codec>

export const SEAL_PHASES = ['treeD', 'parents', 'labels', 'treeC', 'replica', 'done'] as const
export type SealPhase = (typeof SEAL_PHASES)[number]

/** A seal checkpoint (stored as encoding ‖ SHA-256(encoding) in two alternating slots). */
export const SealCheckpoint = messageType(
  'SealCheckpoint',
  struct('SealCheckpoint', {
    v: version(1),
    porepId: hash32,
    miner: hash32,
    sectorNumber: u64,
    ticketHeight: u64,
    ticket: hash32,
    seq: u64,
    phase: enumeration('SealPhase', SEAL_PHASES),
    layer: u8,
    nodesDone: u32,
    commD: optional(hash32),
    replicaId: optional(hash32),
    commC: optional(hash32),
    commRLast: optional(hash32),
  }),
  1024,
)
export type SealCheckpoint = Infer<typeof SealCheckpoint.codec>

function openingCodec(depth: number) {
  return struct('Opening', { leaf: hash32, path: bytes(depth * 32) })
}

function columnOpeningCodec(layers: number, depth: number) {
  return struct('ColumnOpening', { labels: bytes(layers * 32), path: bytes(depth * 32) })
}

function sealProofCodec(p: ProofParams) {
  const depth = depthOf(p)
  const column = columnOpeningCodec(p.layers, depth)
  const opening = openingCodec(depth)
  const d = degreeOf(p)
  return struct('SealProof', {
    v: version(1),
    porepId: hash32,
    miner: hash32,
    sectorNumber: u64,
    ticketHeight: u64,
    ticket: hash32,
    replicaId: hash32,
    commD: hash32,
    commC: hash32,
    commRLast: hash32,
    commR: hash32,
    seedHeight: u64,
    seed: hash32,
    challenges: list(
      struct('SealChallengeProof', {
        node: u32,
        data: opening,
        replica: opening,
        column,
        parents: list(column, d, d),
      }),
      p.sealChallenges,
      p.sealChallenges,
    ),
  })
}

export type SealProof = Infer<ReturnType<typeof sealProofCodec>>
export type SealChallengeProof = SealProof['challenges'][number]
export type ColumnOpening = SealChallengeProof['column']

/** Upper bound of an encoded seal proof's size. */
export function sealProofMaxBytes(p: ProofParams): number {
  const depth = depthOf(p)
  const opening = S + B(32) + B(depth * 32)
  const column = S + B(p.layers * 32) + B(depth * 32)
  const challenge = S + 5 + 2 * opening + column + S + degreeOf(p) * column
  return S + 1 + 10 * B(32) + 3 * U64 + S + p.sealChallenges * challenge
}

function postProofCodec(p: ProofParams) {
  const depth = depthOf(p)
  return struct('PoStProof', {
    v: version(1),
    porepId: hash32,
    prover: hash32,
    window: u64,
    checkInHeight: u64,
    beacon: hash32,
    prevDigest: hash32,
    sectorSet: hash32,
    commitments: list(
      struct('PoStSectorCommitment', { commC: hash32, commRLast: hash32 }),
      p.postChallengesMax,
      1,
    ),
    openings: list(openingCodec(depth), p.postChallengesMax, p.postChallengesMin),
  })
}

export type PoStProof = Infer<ReturnType<typeof postProofCodec>>

export function postProofMaxBytes(p: ProofParams): number {
  const depth = depthOf(p)
  const opening = S + B(32) + B(depth * 32)
  return (
    S +
    1 +
    5 * B(32) +
    2 * U64 +
    S +
    p.postChallengesMax * (S + 2 * B(32)) +
    S +
    p.postChallengesMax * opening
  )
}

/** What a prover signs: signatureBase(networkId, 'storageProof', encode(body)). */
function signedPoStBodyCodec(p: ProofParams) {
  return struct('SignedPoStBody', {
    v: version(1),
    prover: hash32,
    window: u64,
    proof: bytes(1, postProofMaxBytes(p)),
  })
}
export type SignedPoStBody = Infer<ReturnType<typeof signedPoStBodyCodec>>

function signedPoStCodec(p: ProofParams) {
  return struct('SignedPoSt', { body: signedPoStBodyCodec(p), signature: bytes(64) })
}
export type SignedPoSt = Infer<ReturnType<typeof signedPoStCodec>>

export const FAULT_KINDS = ['invalid', 'late'] as const

function evidenceCodec(p: ProofParams) {
  return struct('PoStFaultEvidence', {
    v: version(1),
    kind: enumeration('FaultKind', FAULT_KINDS),
    reason: enumeration('PoStRejection', POST_REJECTIONS),
    inclusionHeight: u64,
    submission: signedPoStCodec(p),
  })
}
export type PoStFaultEvidence = Infer<ReturnType<typeof evidenceCodec>>

export interface ProofCodecs {
  readonly params: ProofParams
  readonly sealProof: MessageType<SealProof>
  readonly postProof: MessageType<PoStProof>
  readonly signedPoStBody: MessageType<SignedPoStBody>
  readonly signedPoSt: MessageType<SignedPoSt>
  readonly evidence: MessageType<PoStFaultEvidence>
}

const cache = new Map<string, ProofCodecs>()

/** The message types for one parameter set (memoised). */
export function proofCodecs(p: ProofParams): ProofCodecs {
  validateParams(p)
  const key = JSON.stringify(p)
  let c = cache.get(key)
  if (!c) {
    const postMax = postProofMaxBytes(p)
    c = {
      params: p,
      sealProof: messageType('SealProof', sealProofCodec(p), sealProofMaxBytes(p)),
      postProof: messageType('PoStProof', postProofCodec(p), postMax),
      signedPoStBody: messageType('SignedPoStBody', signedPoStBodyCodec(p), postMax + 64),
      signedPoSt: messageType('SignedPoSt', signedPoStCodec(p), postMax + 160),
      evidence: messageType('PoStFaultEvidence', evidenceCodec(p), postMax + 256),
    }
    cache.set(key, c)
  }
  return c
}

const POST_DIGEST_TAG = utf8('watt/proofs/post-digest/v1')

/** The digest that chains a prover's PoSts: SHA-256(tag ‖ encoded proof). */
export function postDigest(proofBytes: Uint8Array): Uint8Array {
  return sha256(concatBytes(POST_DIGEST_TAG, proofBytes))
}

/** prevDigest of a prover's first PoSt. */
export const GENESIS_POST_DIGEST = new Uint8Array(32)
