/**
 * Binary Merkle tree over an ordered list of byte strings, with inclusion proofs: the ledger's results
 * root (one leaf per transaction result) and the daily payout table (one leaf per chunk of fixed-width
 * records).
 *
 * Hashing is RFC 6962 §2.1 (Certificate Transparency's Merkle Tree Hash), so the roots are the
 * well-known CT tree hashes and can be checked against other implementations:
 *
 *   leaf      = H(0x00 ‖ leafBytes)
 *   node      = H(0x01 ‖ left ‖ right)
 *   empty     = H("")                      (MTH of the empty list, RFC 6962 §2.1)
 *
 * Odd counts: leaves are paired left to right, level by level; a level with an odd number of nodes
 * promotes its last node unchanged to the next level (it is neither duplicated, as Bitcoin does —
 * CVE-2012-2459 —, nor paired with a placeholder). This level-wise rule builds exactly the RFC 6962
 * tree, whose left subtree always holds the largest power of two strictly below n leaves:
 * 3 leaves → H(01‖H(01‖a‖b)‖c), 5 leaves → H(01‖abcd‖e), 7 leaves → H(01‖abcd‖H(01‖ef‖g)).
 *
 * The leaf count is not hashed into the root (as in RFC 6962, where the signed tree head carries it).
 * A verifier must take `count` from the same trusted place as the root — a certified header — never
 * from the prover: with a forged count a genuine proof can pass for another index (leaf 2 of
 * [a, b, c] verifies as "leaf 1 of 2", since H(01‖H(01‖a‖b)‖c) is also the root of a 2-leaf shape).
 * With the right count, a proof binds the leaf to its index.
 */
import { equalBytes } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { type MessageType, messageType } from '../codec/message.js'
import { type Codec, hash32, list, struct, version } from '../codec/schema.js'
import type { Hasher, VerifyResult } from './smt.js'

const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

/** Largest list a proof can address: indexes and counts are u32 on the wire. */
export const MERKLE_MAX_LEAVES = 0xffffffff
/** ⌈log2(MERKLE_MAX_LEAVES)⌉: no inclusion proof is longer. */
export const MERKLE_MAX_PROOF_SIBLINGS = 32

/** Root of the empty list under SHA-256: SHA-256("") (RFC 6962 §2.1). */
export const EMPTY_LIST_ROOT: Uint8Array = sha256(new Uint8Array(0))

/**
 * Inclusion proof: the RFC 6962 §2.1.1 audit path, sibling hashes from the leaf's level up to the
 * root's children. A level where the path's node is a promoted last node has no sibling and adds
 * nothing, so the length follows from (index, count).
 */
export interface MerkleProof {
  v: 1
  siblings: Uint8Array[]
}

/** Largest encoding of a `MerkleProof` (32 siblings; counted in the test). */
export const MERKLE_PROOF_MAX_BYTES = 1092

const merkleProofCodec: Codec<MerkleProof> = struct('MerkleProof', {
  v: version(1),
  siblings: list(hash32, MERKLE_MAX_PROOF_SIBLINGS),
})

/** Wire codec of `MerkleProof`: `[1, [sibling…]]`. */
export const MerkleProofType: MessageType<MerkleProof> = messageType(
  'MerkleProof',
  merkleProofCodec,
  MERKLE_PROOF_MAX_BYTES,
)

/** H(0x00 ‖ leafBytes). */
export function merkleLeafHash(leafBytes: Uint8Array, hasher: Hasher = sha256): Uint8Array {
  const buf = new Uint8Array(1 + leafBytes.length)
  buf[0] = LEAF_PREFIX
  buf.set(leafBytes, 1)
  return hasher(buf)
}

/** Leaf hashes of `leaves` packed 32 bytes each. */
function leafLevel(leaves: readonly Uint8Array[], hasher: Hasher): Uint8Array {
  const out = new Uint8Array(leaves.length * 32)
  let buf = new Uint8Array(65)
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!
    if (leaf.length + 1 > buf.length) buf = new Uint8Array(leaf.length + 1)
    buf[0] = LEAF_PREFIX
    buf.set(leaf, 1)
    out.set(hasher(buf.subarray(0, leaf.length + 1)), i * 32)
  }
  return out
}

/** The level above `level` (n nodes packed): pairs hashed, an odd last node promoted. */
function parentLevel(level: Uint8Array, n: number, hasher: Hasher, into: Uint8Array): void {
  const buf = new Uint8Array(65)
  buf[0] = NODE_PREFIX
  for (let k = 0; 2 * k < n; k++) {
    if (2 * k + 1 < n) {
      buf.set(level.subarray(64 * k, 64 * k + 64), 1)
      into.set(hasher(buf), 32 * k)
    } else {
      into.set(level.subarray(64 * k, 64 * k + 32), 32 * k)
    }
  }
}

// Index arithmetic stays in doubles (not int32 bit operators) so that counts up to 2^32-1 work.
const half = (n: number): number => Math.ceil(n / 2)
const siblingOf = (i: number): number => (i % 2 === 0 ? i + 1 : i - 1)

function checkCount(op: string, n: number): void {
  if (n > MERKLE_MAX_LEAVES) throw new RangeError(`${op}: expected at most 2^32-1 leaves, got ${n}`)
}

/** Root of the list (EMPTY_LIST_ROOT's rule, H(""), for no leaves). */
export function merkleRoot(leaves: readonly Uint8Array[], hasher: Hasher = sha256): Uint8Array {
  checkCount('merkleRoot', leaves.length)
  if (leaves.length === 0) return hasher(new Uint8Array(0))
  // One buffer, reduced in place: node k of the next level overwrites slot k only after slots 2k and
  // 2k+1 (both ≥ k) have been read.
  const level = leafLevel(leaves, hasher)
  for (let n = leaves.length; n > 1; n = half(n)) {
    parentLevel(level, n, hasher, level)
  }
  return level.slice(0, 32)
}

/** A built tree: every level kept, so each proof costs no hashing. For many proofs of one list. */
export class MerkleList {
  private readonly levels: Uint8Array[] = []
  readonly count: number
  readonly root: Uint8Array

  constructor(leaves: readonly Uint8Array[], hasher: Hasher = sha256) {
    checkCount('MerkleList', leaves.length)
    this.count = leaves.length
    if (leaves.length === 0) {
      this.root = hasher(new Uint8Array(0))
      return
    }
    let level = leafLevel(leaves, hasher)
    this.levels.push(level)
    for (let n = leaves.length; n > 1; n = half(n)) {
      const next = new Uint8Array(half(n) * 32)
      parentLevel(level, n, hasher, next)
      this.levels.push(next)
      level = next
    }
    this.root = level.slice(0, 32)
  }

  /** Inclusion proof of leaf `index`. */
  proof(index: number): MerkleProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.count)
      throw new RangeError(`MerkleList.proof: expected an index 0..${this.count - 1}, got ${index}`)
    const siblings: Uint8Array[] = []
    let i = index
    for (let l = 0, n = this.count; n > 1; l++, n = half(n)) {
      const s = siblingOf(i)
      if (s < n) siblings.push(this.levels[l]!.slice(s * 32, s * 32 + 32))
      i = Math.floor(i / 2)
    }
    return { v: 1, siblings }
  }
}

/** Inclusion proof of `leaves[index]` (hashes the whole list; use MerkleList for many proofs). */
export function merkleProof(
  leaves: readonly Uint8Array[],
  index: number,
  hasher: Hasher = sha256,
): MerkleProof {
  return new MerkleList(leaves, hasher).proof(index)
}

/**
 * Check that `leafBytes` is leaf `index` of a `count`-leaf list with root `root`. Never throws on a
 * bad proof: every failure is `{ ok: false, reason }`.
 */
export function verifyMerkleProof(
  root: Uint8Array,
  index: number,
  count: number,
  leafBytes: Uint8Array,
  proof: MerkleProof,
  hasher: Hasher = sha256,
): VerifyResult {
  if (!(root instanceof Uint8Array) || root.length !== 32) return fail('root is not a 32-byte hash')
  if (!Number.isInteger(count) || count < 1 || count > MERKLE_MAX_LEAVES)
    return fail(`count must be an integer 1..2^32-1, got ${String(count)}`)
  if (!Number.isInteger(index) || index < 0 || index >= count)
    return fail(`index ${String(index)} is outside the list of ${count} leaves`)
  if (!(leafBytes instanceof Uint8Array)) return fail('leaf is not bytes')
  if (typeof proof !== 'object' || proof === null || !Array.isArray(proof.siblings))
    return fail('malformed proof: no sibling list')
  if (proof.v !== 1) return fail(`malformed proof: unsupported version ${String(proof.v)}`)
  const { siblings } = proof

  let expected = 0
  for (let i = index, n = count; n > 1; i = Math.floor(i / 2), n = half(n)) if (siblingOf(i) < n) expected++
  if (siblings.length !== expected)
    return fail(`proof has ${siblings.length} siblings; leaf ${index} of ${count} needs exactly ${expected}`)
  for (let k = 0; k < siblings.length; k++) {
    const s = siblings[k]
    if (!(s instanceof Uint8Array) || s.length !== 32) return fail(`sibling ${k} is not a 32-byte hash`)
  }

  let h = merkleLeafHash(leafBytes, hasher)
  const buf = new Uint8Array(65)
  buf[0] = NODE_PREFIX
  let next = 0
  for (let i = index, n = count; n > 1; i = Math.floor(i / 2), n = half(n)) {
    if (i % 2 === 1) {
      buf.set(siblings[next++]!, 1)
      buf.set(h, 33)
    } else if (i + 1 < n) {
      buf.set(h, 1)
      buf.set(siblings[next++]!, 33)
    } else {
      continue // promoted last node: no sibling at this level
    }
    h = hasher(buf)
  }
  if (!equalBytes(h, root)) return fail('the proof does not lead to the root')
  return { ok: true }
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason }
}
