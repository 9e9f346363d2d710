/**
 * Sparse Merkle tree over 256-bit keys: the authenticated map behind the ledger's state root, with
 * membership and non-membership proofs small enough for a phone browser to check.
 *
 * Construction: the binary variant of Diem/Aptos's Jellyfish Merkle tree (Gao et al., "Jellyfish
 * Merkle Tree", Diem 2021, §2 and the `SparseMerkleProof` of diem/storage/jellyfish-merkle). The tree
 * has 256 levels in principle, but
 *   - an empty subtree hashes to a fixed placeholder, 32 zero bytes (no preimage is known, so it can
 *     never be confused with a node);
 *   - a subtree that holds exactly one leaf is that leaf, placed at the highest level where it is
 *     alone (so a path is as long as the longest common prefix with the nearest other key, about
 *     log2(n) + 1 levels for hashed keys);
 *   - every other subtree (two or more leaves) is an internal node, even when one of its children is
 *     empty.
 *
 *   leaf     = H(0x00 ‖ keyHash ‖ valueHash)
 *   internal = H(0x01 ‖ leftChild ‖ rightChild)
 *   empty    = 0x00 × 32
 *
 * The one-byte prefixes domain-separate leaves from internal nodes (as RFC 6962 §2.1 does), so a leaf
 * can never be presented as an internal node or the other way round. Key bits are read most
 * significant first: bit 0 is the top bit of byte 0 and chooses the root's child (0 = left), so an
 * in-order walk visits keys in unsigned byte order.
 *
 * Memory: nodes live in paged typed arrays rather than one object per node. Measured on Node 20, a
 * leaf as a JS object holding three 32-byte Uint8Arrays costs about 720 bytes; here a leaf costs 97
 * bytes (key, value hash, leaf hash, flag) and an internal node 41 (hash, two child refs, flag). Hashed
 * keys give about n/ln 2 ≈ 1.44·n internal nodes (a random trie), so a million keys take about 158 MB
 * (see BENCHMARKS.md §merkle). Pages (not one growing array) keep growth free of whole-tree copies
 * and of the 2× peak that doubling would cause.
 *
 * Incremental hashing: `set` marks the internal nodes on the key's path dirty; `root()` rehashes each
 * dirty node once, children first, and never descends into a clean subtree. Updating u keys of an
 * n-key tree therefore costs at most u·(log2 n + O(1)) hashes, fewer where paths share upper levels.
 */
import { equalBytes } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { type MessageType, messageType } from '../codec/message.js'
import { bytes, type Codec, hash32, list, optional, refine, struct, u16, version } from '../codec/schema.js'

/** A 32-byte hash function. Must be collision resistant; the protocol uses SHA-256. */
export type Hasher = (data: Uint8Array) => Uint8Array

/** Domain-separation prefixes (first byte of every hashed node). */
export const LEAF_PREFIX = 0x00
export const INTERNAL_PREFIX = 0x01
/** Hash of an empty subtree (and root of the empty tree). */
export const SMT_PLACEHOLDER: Uint8Array = new Uint8Array(32)
/** Levels of the tree: keys are 256-bit hashes, so no path is longer than this. */
export const SMT_MAX_DEPTH = 256

/** A leaf as carried in a proof. */
export interface SmtLeaf {
  keyHash: Uint8Array
  valueHash: Uint8Array
}

/**
 * Proof for one key, membership or non-membership (docs/merkle.md §Proofs).
 *
 * The path from the root to where the key would sit has `depth` internal nodes. `bitmap` has one bit
 * per level (bit i = byte i>>3, most significant bit first) saying whether the sibling at that level is
 * a real subtree (1) or the empty placeholder (0); `siblings` lists the real ones from the root down.
 * `leaf` is what the path ends in: absent for an empty subtree, else the leaf there — the queried key
 * (membership) or another key sharing the first `depth` bits (non-membership).
 */
export interface SmtProof {
  v: 1
  depth: number
  bitmap: Uint8Array
  siblings: Uint8Array[]
  leaf?: SmtLeaf
}

export type VerifyResult = { ok: true } | { ok: false; reason: string }

const ZERO32 = SMT_PLACEHOLDER

function bitAt(key: Uint8Array, i: number): number {
  return (key[i >>> 3]! >>> (7 - (i & 7))) & 1
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false
  return true
}

function popcount8(b: number): number {
  let n = 0
  for (let x = b; x !== 0; x &= x - 1) n++
  return n
}

function checkHash(op: string, what: string, h: unknown): asserts h is Uint8Array {
  if (!(h instanceof Uint8Array) || h.length !== 32) {
    const got = h instanceof Uint8Array ? `${h.length} bytes` : typeof h
    throw new RangeError(`${op}: expected a 32-byte ${what}, got ${got}`)
  }
}

/**
 * Shape of a proof, independent of any key or root: depth range, bitmap length, no bits set past the
 * depth, one sibling per set bit, 32-byte non-placeholder siblings, and the last level's sibling
 * present. Returns a reason or undefined. Shared by the wire codec and the verifier.
 */
export function smtProofShapeProblem(proof: SmtProof): string | undefined {
  if (typeof proof !== 'object' || proof === null) return 'proof is not an object'
  if (proof.v !== 1) return `unsupported proof version ${String(proof.v)}`
  const { depth, bitmap, siblings, leaf } = proof
  if (!Number.isInteger(depth) || depth < 0 || depth > SMT_MAX_DEPTH)
    return `depth must be an integer 0..${SMT_MAX_DEPTH}, got ${String(depth)}`
  if (!(bitmap instanceof Uint8Array)) return 'bitmap is not bytes'
  const bitmapBytes = (depth + 7) >>> 3
  if (bitmap.length !== bitmapBytes)
    return `bitmap must be ${bitmapBytes} bytes for depth ${depth}, got ${bitmap.length}`
  if ((depth & 7) !== 0 && (bitmap[bitmapBytes - 1]! & (0xff >>> (depth & 7))) !== 0)
    return 'bitmap has bits set beyond the depth'
  if (!Array.isArray(siblings)) return 'siblings is not a list'
  let set = 0
  for (const b of bitmap) set += popcount8(b)
  if (siblings.length !== set)
    return `bitmap marks ${set} non-empty siblings but the proof carries ${siblings.length}`
  for (let i = 0; i < siblings.length; i++) {
    const s = siblings[i]
    if (!(s instanceof Uint8Array) || s.length !== 32) return `sibling ${i} is not a 32-byte hash`
    // The placeholder is carried by a 0 bit, never as bytes: one proof per (tree, key).
    if (isZero(s)) return `sibling ${i} is the empty placeholder, which the bitmap must encode`
  }
  // A node at depth d ≥ 1 sits below an internal node holding ≥ 2 leaves; if the path ends in a leaf
  // or an empty subtree there, those other leaves are all in the sibling, which is therefore never empty.
  if (depth > 0 && bitAt(bitmap, depth - 1) === 0)
    return 'the sibling at the last level is empty, which no tree produces'
  if (leaf !== undefined) {
    if (typeof leaf !== 'object' || leaf === null) return 'leaf is not an object'
    if (!(leaf.keyHash instanceof Uint8Array) || leaf.keyHash.length !== 32)
      return 'leaf key hash is not 32 bytes'
    if (!(leaf.valueHash instanceof Uint8Array) || leaf.valueHash.length !== 32)
      return 'leaf value hash is not 32 bytes'
  }
  return undefined
}

/** Largest encoding of an `SmtProof`: depth 256, 256 siblings and a leaf (counted in the test). */
export const SMT_PROOF_MAX_BYTES = 8815

const smtProofCodec: Codec<SmtProof> = refine(
  struct('SmtProof', {
    v: version(1),
    depth: u16,
    bitmap: bytes(0, SMT_MAX_DEPTH / 8),
    siblings: list(hash32, SMT_MAX_DEPTH),
    leaf: optional(struct('SmtLeaf', { keyHash: hash32, valueHash: hash32 })),
  }),
  smtProofShapeProblem,
)

/**
 * Wire codec of `SmtProof`: `[1, depth, bitmap, [sibling…], leaf | null]` with `leaf = [keyHash,
 * valueHash]`. Decoding applies the same shape rules as the verifier.
 */
export const SmtProofType: MessageType<SmtProof> = messageType('SmtProof', smtProofCodec, SMT_PROOF_MAX_BYTES)

/**
 * Check that `proof` shows `keyHash` mapped to `valueHash` (membership) or, with `valueHash`
 * undefined, absent (non-membership) in the tree whose root is `root`. Never throws on a bad proof:
 * every failure is `{ ok: false, reason }`.
 */
export function verifySmtProof(
  root: Uint8Array,
  keyHash: Uint8Array,
  valueHash: Uint8Array | undefined,
  proof: SmtProof,
  hasher: Hasher = sha256,
): VerifyResult {
  if (!(root instanceof Uint8Array) || root.length !== 32) return fail('root is not a 32-byte hash')
  if (!(keyHash instanceof Uint8Array) || keyHash.length !== 32) return fail('key hash is not 32 bytes')
  if (valueHash !== undefined && (!(valueHash instanceof Uint8Array) || valueHash.length !== 32))
    return fail('value hash is not 32 bytes')
  const shape = smtProofShapeProblem(proof)
  if (shape !== undefined) return fail(`malformed proof: ${shape}`)
  const { depth, bitmap, siblings, leaf } = proof

  const buf = new Uint8Array(65)
  let h: Uint8Array
  if (leaf === undefined) {
    // The path ends in an empty subtree: the key is absent.
    if (valueHash !== undefined) return fail('proof shows the key absent (empty subtree), not present')
    h = ZERO32
  } else {
    for (let i = 0; i < depth; i++)
      if (bitAt(leaf.keyHash, i) !== bitAt(keyHash, i))
        return fail(`the proof's leaf is not on the key's path (differs at bit ${i})`)
    const sameKey = equalBytes(leaf.keyHash, keyHash)
    if (sameKey && valueHash === undefined) return fail('proof shows the key present, not absent')
    if (!sameKey && valueHash !== undefined)
      return fail('proof shows the key absent (another leaf holds its path), not present')
    if (sameKey && !equalBytes(leaf.valueHash, valueHash!))
      return fail("the proof's leaf has a different value hash")
    buf[0] = LEAF_PREFIX
    buf.set(leaf.keyHash, 1)
    buf.set(leaf.valueHash, 33)
    h = hasher(buf)
  }

  // Fold from the bottom level up; siblings are listed top-down, so consume them from the end.
  let next = siblings.length - 1
  buf[0] = INTERNAL_PREFIX
  for (let i = depth - 1; i >= 0; i--) {
    const sibling = bitAt(bitmap, i) === 1 ? siblings[next--]! : ZERO32
    if (bitAt(keyHash, i) === 0) {
      buf.set(h, 1)
      buf.set(sibling, 33)
    } else {
      buf.set(sibling, 1)
      buf.set(h, 33)
    }
    h = hasher(buf)
  }
  if (!equalBytes(h, root)) return fail('the proof does not lead to the root')
  return { ok: true }
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason }
}

// ---------------------------------------------------------------------------------------------------
// In-memory tree.
//
// A child reference is an int32: 0 = empty subtree, r > 0 = internal node r - 1, r < 0 = leaf ~r.
// Internal nodes and leaves live in pages of PAGE slots; freed slots are reused (free lists).

const PAGE_BITS = 14
const PAGE = 1 << PAGE_BITS
const MASK = PAGE - 1
/** Leaf record: key hash ‖ value hash ‖ leaf hash. */
const LEAF_BYTES = 96

export interface SparseMerkleTreeOptions {
  hasher?: Hasher
}

export class SparseMerkleTree {
  private readonly hasher: Hasher
  private rootRef = 0
  private count = 0

  // Internal nodes: 32-byte hash, [left, right] child refs, dirty flag.
  private readonly nodeHash: Uint8Array[] = []
  private readonly nodeKids: Int32Array[] = []
  private readonly nodeDirty: Uint8Array[] = []
  private nodeNext = 0
  private readonly nodeFree: number[] = []

  // Leaves: key ‖ value ‖ hash, dirty flag (hash stale).
  private readonly leafData: Uint8Array[] = []
  private readonly leafDirty: Uint8Array[] = []
  private leafNext = 0
  private readonly leafFree: number[] = []

  /** Internal nodes on the current key's path (index = depth). */
  private readonly path = new Int32Array(SMT_MAX_DEPTH + 1)
  private readonly scratch = new Uint8Array(65)

  constructor(options: SparseMerkleTreeOptions = {}) {
    this.hasher = options.hasher ?? sha256
    // Hashes are copied into fixed 32-byte slots: a wider hasher would overwrite its neighbours.
    const width = this.hasher(new Uint8Array(65)).length
    if (width !== 32) throw new RangeError(`SparseMerkleTree: expected a 32-byte hasher, got ${width} bytes`)
  }

  /** Number of keys. */
  get size(): number {
    return this.count
  }

  /**
   * Node counts and the bytes held by the node pages (for metrics and the memory benchmark): a page
   * holds 16,384 slots, a leaf slot 97 bytes, an internal slot 41.
   */
  stats(): { size: number; internalNodes: number; allocatedBytes: number } {
    const leafPages = this.leafData.length
    const nodePages = this.nodeHash.length
    return {
      size: this.count,
      internalNodes: this.nodeNext - this.nodeFree.length,
      allocatedBytes: leafPages * PAGE * (LEAF_BYTES + 1) + nodePages * PAGE * (32 + 8 + 1),
    }
  }

  /** The value hash stored under `keyHash`, or undefined. */
  get(keyHash: Uint8Array): Uint8Array | undefined {
    checkHash('SparseMerkleTree.get', 'key hash', keyHash)
    let ref = this.rootRef
    for (let depth = 0; ref > 0; depth++) ref = this.kid(ref - 1, bitAt(keyHash, depth))
    if (ref === 0 || !this.leafKeyIs(~ref, keyHash)) return undefined
    const j = ~ref
    const o = (j & MASK) * LEAF_BYTES
    return this.leafData[j >>> PAGE_BITS]!.slice(o + 32, o + 64)
  }

  /** Map `keyHash` to `valueHash`; `undefined` deletes the key (deleting an absent key does nothing). */
  set(keyHash: Uint8Array, valueHash: Uint8Array | undefined): void {
    checkHash('SparseMerkleTree.set', 'key hash', keyHash)
    if (valueHash !== undefined) checkHash('SparseMerkleTree.set', 'value hash', valueHash)
    const path = this.path
    let ref = this.rootRef
    let depth = 0
    while (ref > 0) {
      path[depth] = ref - 1
      ref = this.kid(ref - 1, bitAt(keyHash, depth))
      depth++
    }

    if (valueHash === undefined) {
      if (ref < 0 && this.leafKeyIs(~ref, keyHash)) this.removeLeaf(keyHash, depth, ~ref)
      return
    }
    if (ref === 0) {
      this.replaceAt(keyHash, depth, ~this.newLeaf(keyHash, valueHash))
      this.count++
      return
    }
    const j = ~ref
    if (this.leafKeyIs(j, keyHash)) {
      const page = this.leafData[j >>> PAGE_BITS]!
      const o = (j & MASK) * LEAF_BYTES
      if (equalBytes(page.subarray(o + 32, o + 64), valueHash)) return
      page.set(valueHash, o + 32)
      this.leafDirty[j >>> PAGE_BITS]![j & MASK] = 1
      this.markDirty(depth)
      return
    }

    // Another leaf holds this position: push both down to the first bit where their keys differ,
    // with a chain of single-child internal nodes above (each holds both leaves, so none collapses).
    const other = this.leafData[j >>> PAGE_BITS]!
    const oo = (j & MASK) * LEAF_BYTES
    let split = depth
    while (bitAt(keyHash, split) === ((other[oo + (split >>> 3)]! >>> (7 - (split & 7))) & 1)) split++
    const fresh = ~this.newLeaf(keyHash, valueHash)
    let sub = bitAt(keyHash, split) === 0 ? this.newNode(fresh, ref) : this.newNode(ref, fresh)
    for (let d = split - 1; d >= depth; d--)
      sub = bitAt(keyHash, d) === 0 ? this.newNode(sub, 0) : this.newNode(0, sub)
    this.replaceAt(keyHash, depth, sub)
    this.count++
  }

  /** Apply many updates (later entries win for repeated keys); hashing waits for `root()`. */
  setMany(entries: Iterable<readonly [Uint8Array, Uint8Array | undefined]>): void {
    for (const [k, v] of entries) this.set(k, v)
  }

  /** The root hash; rehashes only the nodes changed since the last call. */
  root(): Uint8Array {
    const ref = this.rootRef
    if (ref === 0) return ZERO32.slice()
    if (ref > 0) {
      const i = ref - 1
      if (this.nodeDirty[i >>> PAGE_BITS]![i & MASK] === 1) this.rehash(i)
    } else if (this.leafDirty[~ref >>> PAGE_BITS]![~ref & MASK] === 1) this.rehashLeaf(~ref)
    return this.hashOf(ref).slice()
  }

  /** A membership proof if `keyHash` is present, else a non-membership proof. */
  prove(keyHash: Uint8Array): SmtProof {
    checkHash('SparseMerkleTree.prove', 'key hash', keyHash)
    this.root()
    const bitmap = new Uint8Array(32)
    const siblings: Uint8Array[] = []
    let ref = this.rootRef
    let depth = 0
    while (ref > 0) {
      const bit = bitAt(keyHash, depth)
      const sibling = this.kid(ref - 1, bit ^ 1)
      if (sibling !== 0) {
        bitmap[depth >>> 3]! |= 0x80 >>> (depth & 7)
        siblings.push(this.hashOf(sibling).slice())
      }
      ref = this.kid(ref - 1, bit)
      depth++
    }
    const proof: SmtProof = { v: 1, depth, bitmap: bitmap.slice(0, (depth + 7) >>> 3), siblings }
    if (ref < 0) {
      const j = ~ref
      const page = this.leafData[j >>> PAGE_BITS]!
      const o = (j & MASK) * LEAF_BYTES
      proof.leaf = { keyHash: page.slice(o, o + 32), valueHash: page.slice(o + 32, o + 64) }
    }
    return proof
  }

  /** All (keyHash, valueHash) pairs in unsigned key order (copies). */
  *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    if (this.rootRef === 0) return
    const stack: number[] = [this.rootRef]
    while (stack.length > 0) {
      const ref = stack.pop()!
      if (ref > 0) {
        const right = this.kid(ref - 1, 1)
        const left = this.kid(ref - 1, 0)
        if (right !== 0) stack.push(right)
        if (left !== 0) stack.push(left)
      } else {
        const j = ~ref
        const page = this.leafData[j >>> PAGE_BITS]!
        const o = (j & MASK) * LEAF_BYTES
        yield [page.slice(o, o + 32), page.slice(o + 32, o + 64)]
      }
    }
  }

  // --- internals -----------------------------------------------------------------------------------

  private kid(i: number, side: number): number {
    return this.nodeKids[i >>> PAGE_BITS]![((i & MASK) << 1) | side]!
  }

  private setKid(i: number, side: number, ref: number): void {
    this.nodeKids[i >>> PAGE_BITS]![((i & MASK) << 1) | side] = ref
  }

  private leafKeyIs(j: number, key: Uint8Array): boolean {
    const page = this.leafData[j >>> PAGE_BITS]!
    const o = (j & MASK) * LEAF_BYTES
    for (let k = 0; k < 32; k++) if (page[o + k] !== key[k]) return false
    return true
  }

  /** Put `ref` where the path of `key` reaches `depth`, and mark the path above dirty. */
  private replaceAt(key: Uint8Array, depth: number, ref: number): void {
    if (depth === 0) this.rootRef = ref
    else this.setKid(this.path[depth - 1]!, bitAt(key, depth - 1), ref)
    this.markDirty(depth)
  }

  /** Mark the internal nodes path[0..depth) dirty. */
  private markDirty(depth: number): void {
    const path = this.path
    for (let d = 0; d < depth; d++) {
      const i = path[d]!
      this.nodeDirty[i >>> PAGE_BITS]![i & MASK] = 1
    }
  }

  /**
   * Remove leaf `j` found at `depth` on `key`'s path, then restore the rule "a subtree with one leaf
   * is that leaf": while the parent's other child is a lone leaf (or empty while a lone leaf rises),
   * the parent disappears and the leaf moves up a level.
   */
  private removeLeaf(key: Uint8Array, depth: number, j: number): void {
    this.freeLeaf(j)
    this.count--
    let up = 0
    let d = depth
    while (d > 0) {
      const parent = this.path[d - 1]!
      const sibling = this.kid(parent, bitAt(key, d - 1) ^ 1)
      const collapses = up === 0 ? sibling < 0 : sibling === 0
      if (!collapses) break
      if (up === 0) up = sibling
      this.freeNode(parent)
      d--
    }
    this.replaceAt(key, d, up)
  }

  private newLeaf(key: Uint8Array, value: Uint8Array): number {
    let j = this.leafFree.pop()
    if (j === undefined) {
      j = this.leafNext++
      if ((j & MASK) === 0) {
        this.leafData.push(new Uint8Array(PAGE * LEAF_BYTES))
        this.leafDirty.push(new Uint8Array(PAGE))
      }
    }
    const page = this.leafData[j >>> PAGE_BITS]!
    const o = (j & MASK) * LEAF_BYTES
    page.set(key, o)
    page.set(value, o + 32)
    this.leafDirty[j >>> PAGE_BITS]![j & MASK] = 1
    return j
  }

  private freeLeaf(j: number): void {
    this.leafFree.push(j)
  }

  /** A new dirty internal node; returns its child reference. */
  private newNode(left: number, right: number): number {
    let i = this.nodeFree.pop()
    if (i === undefined) {
      i = this.nodeNext++
      if ((i & MASK) === 0) {
        this.nodeHash.push(new Uint8Array(PAGE * 32))
        this.nodeKids.push(new Int32Array(PAGE * 2))
        this.nodeDirty.push(new Uint8Array(PAGE))
      }
    }
    const kids = this.nodeKids[i >>> PAGE_BITS]!
    kids[(i & MASK) << 1] = left
    kids[((i & MASK) << 1) | 1] = right
    this.nodeDirty[i >>> PAGE_BITS]![i & MASK] = 1
    return i + 1
  }

  private freeNode(i: number): void {
    this.nodeFree.push(i)
  }

  /** The current hash of a child reference (a view; valid until the next change). */
  private hashOf(ref: number): Uint8Array {
    if (ref === 0) return ZERO32
    if (ref > 0) {
      const i = ref - 1
      const o = (i & MASK) * 32
      return this.nodeHash[i >>> PAGE_BITS]!.subarray(o, o + 32)
    }
    const j = ~ref
    const o = (j & MASK) * LEAF_BYTES + 64
    return this.leafData[j >>> PAGE_BITS]!.subarray(o, o + 32)
  }

  /** Copy the current hash of `ref` into `out` at `at` (a loop: no view object per copy). */
  private copyHash(ref: number, out: Uint8Array, at: number): void {
    let src: Uint8Array
    let o: number
    if (ref === 0) {
      out.fill(0, at, at + 32)
      return
    }
    if (ref > 0) {
      src = this.nodeHash[(ref - 1) >>> PAGE_BITS]!
      o = ((ref - 1) & MASK) * 32
    } else {
      src = this.leafData[~ref >>> PAGE_BITS]!
      o = (~ref & MASK) * LEAF_BYTES + 64
    }
    for (let k = 0; k < 32; k++) out[at + k] = src[o + k]!
  }

  private rehashLeaf(j: number): void {
    const page = this.leafData[j >>> PAGE_BITS]!
    const o = (j & MASK) * LEAF_BYTES
    const buf = this.scratch
    buf[0] = LEAF_PREFIX
    buf.set(page.subarray(o, o + 64), 1)
    page.set(this.hasher(buf), o + 64)
    this.leafDirty[j >>> PAGE_BITS]![j & MASK] = 0
  }

  /** Rehash dirty internal node `i` after its dirty descendants (each exactly once). */
  private rehash(i: number): void {
    const left = this.kid(i, 0)
    const right = this.kid(i, 1)
    this.refresh(left)
    this.refresh(right)
    const buf = this.scratch
    buf[0] = INTERNAL_PREFIX
    this.copyHash(left, buf, 1)
    this.copyHash(right, buf, 33)
    const out = this.hasher(buf)
    this.nodeHash[i >>> PAGE_BITS]!.set(out, (i & MASK) * 32)
    this.nodeDirty[i >>> PAGE_BITS]![i & MASK] = 0
  }

  private refresh(ref: number): void {
    if (ref > 0) {
      const i = ref - 1
      if (this.nodeDirty[i >>> PAGE_BITS]![i & MASK] === 1) this.rehash(i)
    } else if (ref < 0) {
      const j = ~ref
      if (this.leafDirty[j >>> PAGE_BITS]![j & MASK] === 1) this.rehashLeaf(j)
    }
  }
}
