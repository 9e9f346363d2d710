/**
 * Derived values: replica id, commR, column hashes, seal challenges and the PoSt challenge chain
 * (docs/proofs.md §Replica id, §Seal challenges, §PoSt). Protocol-level derivations (replica id,
 * challenge seeds) use SHA-256 with a domain tag over canonical codec bytes, like every other Watt
 * protocol hash; the bulk hashes (columns, commR, trees, labels) use the sector's hash.
 */
import { concatBytes, readU64be, u32be, u64be, utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { messageType } from '../codec/message.js'
import { hash32, struct, u64 } from '../codec/schema.js'
import { type Hasher, hashPair } from './hasher.js'
import { nodesOf, type ProofParams } from './params.js'

const tag = (s: string) => utf8(`watt/proofs/${s}/v1`)
const REPLICA_ID_TAG = tag('replica-id')
const SEAL_CHALLENGE_TAG = tag('seal-challenge')
const POST_SEED_TAG = tag('post-seed')
const POST_NEXT_TAG = tag('post-next')
const SECTOR_SET_TAG = tag('sector-set')

export const ReplicaIdInput = messageType(
  'ReplicaIdInput',
  struct('ReplicaIdInput', {
    porepId: hash32,
    miner: hash32,
    sectorNumber: u64,
    ticket: hash32,
    commD: hash32,
  }),
  256,
)

/**
 * replicaId = SHA-256(tag ‖ [porepId, miner, sectorNumber, ticket, commD]) — Filecoin's field list
 * (spec `sdr` §ReplicaID Generation). The ticket is a finalized ledger hash, so two replicas of the
 * same data differ by miner, sector number and time, and none can be prepared before the ticket.
 */
export function replicaIdOf(input: {
  porepId: Uint8Array
  miner: Uint8Array
  sectorNumber: bigint
  ticket: Uint8Array
  commD: Uint8Array
}): Uint8Array {
  return sha256(
    concatBytes(
      REPLICA_ID_TAG,
      ReplicaIdInput.encode({
        porepId: input.porepId,
        miner: input.miner,
        sectorNumber: input.sectorNumber,
        ticket: input.ticket,
        commD: input.commD,
      }),
    ),
  )
}

/** commR = H(commC ‖ commRLast) (Filecoin: Poseidon-2 of the same pair). */
export function commROf(h: Hasher, commC: Uint8Array, commRLast: Uint8Array): Uint8Array {
  return hashPair(h, commC, commRLast)
}

/** Column hash: H(label_1 ‖ … ‖ label_L), a TreeC leaf. `column` is L·32 bytes. */
export function columnHash(h: Hasher, column: Uint8Array): Uint8Array {
  h.input.set(column)
  h.digest(column.length)
  return h.output.slice(0, 32)
}

/**
 * The seal challenges: c_j = (u64(SHA-256(tag ‖ replicaId ‖ seed ‖ u32be(j))) mod (N−1)) + 1 for
 * j < sealChallenges (storage-proofs.md §3.3; Filecoin's interactive PoRep challenges, node 0 excluded
 * because its layer-1 label has no parents).
 */
export function sealChallenges(params: ProofParams, replicaId: Uint8Array, seed: Uint8Array): number[] {
  const n = BigInt(nodesOf(params) - 1)
  const out: number[] = []
  for (let j = 0; j < params.sealChallenges; j++) {
    const d = sha256(concatBytes(SEAL_CHALLENGE_TAG, replicaId, seed, u32be(j)))
    out.push(Number(readU64be(d) % n) + 1)
  }
  return out
}

/** Digest of the ordered set of sectors a PoSt covers (sector number and commR of each). */
export function sectorSetDigest(sectors: readonly { sectorNumber: bigint; commR: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [SECTOR_SET_TAG, u32be(sectors.length)]
  for (const s of sectors) parts.push(u64be(s.sectorNumber), s.commR)
  return sha256(concatBytes(...parts))
}

export const PoStSeedInput = messageType(
  'PoStSeedInput',
  struct('PoStSeedInput', {
    porepId: hash32,
    prover: hash32,
    window: u64,
    checkInHeight: u64,
    beacon: hash32,
    prevDigest: hash32,
    sectorSet: hash32,
  }),
  512,
)

/**
 * s_0 = SHA-256(tag ‖ [porepId, prover, window, checkInHeight, beacon, prevDigest, sectorSet]).
 * `beacon` is the ledger hash at checkInHeight + 1, unknown when the prover checks in (no grinding);
 * `prevDigest` chains the prover's proofs across windows (storage-proofs.md §3.4).
 */
export function postSeed(input: {
  porepId: Uint8Array
  prover: Uint8Array
  window: bigint
  checkInHeight: bigint
  beacon: Uint8Array
  prevDigest: Uint8Array
  sectorSet: Uint8Array
}): Uint8Array {
  return sha256(concatBytes(POST_SEED_TAG, PoStSeedInput.encode({ ...input })))
}

/** The challenge of PoSt round j from its seed s_j: which sector (index in the set) and which leaf. */
export function postChallenge(
  seed: Uint8Array,
  sectors: number,
  leaves: number,
): { sector: number; leaf: number } {
  return { sector: u64Mod(seed, 0, sectors), leaf: u64Mod(seed, 8, leaves) }
}

/**
 * u64be(bytes[offset ..]) mod m for m < 2^32, in exact double arithmetic (every intermediate stays
 * below 2^53): the same value as the BigInt expression, without BigInt's cost in the validator loop.
 */
export function u64Mod(bytes: Uint8Array, offset: number, m: number): number {
  if (!(Number.isInteger(m) && m >= 1 && m <= 0xffffffff))
    throw new RangeError(`u64Mod: modulus ${m} out of range`)
  let r = 0
  for (let i = 0; i < 8; i += 2) r = (r * 65536 + ((bytes[offset + i]! << 8) | bytes[offset + i + 1]!)) % m
  return r
}

/**
 * s_{j+1} = H(tag ‖ s_j ‖ R[leaf] ‖ u32be(sector)), with the sector hash H (it runs once per round in
 * the validator's loop, so it uses the fast injected hash rather than the protocol SHA-256). The next
 * challenge depends on the replica bytes just read, so rounds are sequential: the prover cannot know
 * which sector comes next without holding (or regenerating) the current one.
 */
export function postNext(h: Hasher, seed: Uint8Array, leafValue: Uint8Array, sector: number): Uint8Array {
  const t = POST_NEXT_TAG.length
  const input = h.input
  input.set(POST_NEXT_TAG, 0)
  input.set(seed.subarray(0, 32), t)
  input.set(leafValue.subarray(0, 32), t + 32)
  input[t + 64] = sector >>> 24
  input[t + 65] = (sector >>> 16) & 255
  input[t + 66] = (sector >>> 8) & 255
  input[t + 67] = sector & 255
  h.digest(t + 68)
  return h.output.slice(0, 32)
}
