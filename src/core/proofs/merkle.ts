/**
 * Binary Merkle trees over 32-byte nodes (TreeD, TreeC, TreeR; docs/proofs.md §Commitments).
 *
 * Node = H(left ‖ right), 64 bytes in; leaves are the 32-byte nodes themselves. Depth is fixed by the
 * sector size, so an opening is exactly `depth` siblings and a leaf can never pass for an inner node.
 * Binary trees give the smallest hash-based openings (storage-proofs.md §3.2: 20 siblings at 2^20 leaves
 * against 49 for an 8-ary tree).
 *
 * Storage: only levels ≥ r ("rows to discard", Filecoin's `rows_to_discard` for tree_r_last) are kept;
 * an opening rebuilds the 2^r-leaf subtree around the leaf from the leaves themselves. With r = 6 a
 * 32 MiB sector keeps 1 MiB of tree (3 %), and an opening costs one 2 KiB read and 63 hashes.
 */
import { CorruptSectorError } from './errors.js'
import { type Hasher, type HasherWords, hashLevel, wordsOf } from './hasher.js'
import { readExact, type SectorFile } from './store.js'

/** Default rows to discard (storage-proofs.md §3.2). */
export const DEFAULT_ROWS_TO_DISCARD = 6

export interface TreeShape {
  readonly leaves: number
  readonly depth: number
  /** First stored level (1 ≤ r ≤ depth). */
  readonly rows: number
}

export function treeShape(leaves: number, rowsToDiscard = DEFAULT_ROWS_TO_DISCARD): TreeShape {
  if (!(leaves >= 2) || (leaves & (leaves - 1)) !== 0)
    throw new RangeError(`merkle: leaves ${leaves} not 2^k ≥ 2`)
  const depth = 31 - Math.clz32(leaves)
  return { leaves, depth, rows: Math.max(1, Math.min(depth, rowsToDiscard)) }
}

/** Word offset of level k (k ≥ rows) in the cache. */
export function cacheLevelWords(s: TreeShape, k: number): number {
  let off = 0
  for (let i = s.rows; i < k; i++) off += (s.leaves >>> i) * 8
  return off
}

/** Bytes of the stored upper levels. */
export function cacheBytes(s: TreeShape): number {
  return cacheLevelWords(s, s.depth + 1) * 4
}

/**
 * Builds a tree from leaves pushed in order, keeping only levels ≥ rows. Memory: the cache plus one
 * scratch chunk.
 */
export class TreeBuilder {
  readonly shape: TreeShape
  readonly cache: Uint32Array
  private readonly w: HasherWords
  private scratch = new Uint32Array(0)
  private pushed = 0

  constructor(
    private readonly h: Hasher,
    shape: TreeShape,
  ) {
    this.shape = shape
    this.cache = new Uint32Array(cacheBytes(shape) / 4)
    this.w = wordsOf(h)
  }

  get leavesPushed(): number {
    return this.pushed
  }

  /** Push `count` leaves (a multiple of 2^rows) from `words` at word offset `from`. */
  push(words: Uint32Array, from: number, count: number): void {
    const { rows, leaves } = this.shape
    const group = 1 << rows
    if (count % group !== 0 || this.pushed + count > leaves)
      throw new RangeError(
        `merkle: push of ${count} leaves at ${this.pushed} (group ${group}, total ${leaves})`,
      )
    if (this.scratch.length < (count / 2) * 8) this.scratch = new Uint32Array((count / 2) * 8)
    const s = this.scratch
    hashLevel(this.w, this.h, words, from, count / 2, s, 0)
    let n = count / 2
    for (let k = 2; k <= rows; k++) {
      hashLevel(this.w, this.h, s, 0, n / 2, s, 0)
      n /= 2
    }
    this.cache.set(s.subarray(0, n * 8), cacheLevelWords(this.shape, rows) + (this.pushed >>> rows) * 8)
    this.pushed += count
  }

  /** Complete the upper levels; returns the root. */
  finish(): Uint8Array {
    const s = this.shape
    if (this.pushed !== s.leaves) throw new RangeError(`merkle: ${this.pushed} of ${s.leaves} leaves pushed`)
    for (let k = s.rows; k < s.depth; k++) {
      hashLevel(
        this.w,
        this.h,
        this.cache,
        cacheLevelWords(s, k),
        s.leaves >>> (k + 1),
        this.cache,
        cacheLevelWords(s, k + 1),
      )
    }
    return this.root()
  }

  root(): Uint8Array {
    const off = cacheLevelWords(this.shape, this.shape.depth) * 4
    return new Uint8Array(this.cache.buffer, this.cache.byteOffset + off, 32).slice()
  }

  /** The cache as bytes (to store). */
  cacheBytes(): Uint8Array {
    return new Uint8Array(this.cache.buffer, this.cache.byteOffset, this.cache.byteLength)
  }
}

/** Root of a whole tree held in memory (tests, small inputs). */
export function merkleRoot(h: Hasher, leaves: Uint8Array): Uint8Array {
  const n = leaves.length / 32
  const b = new TreeBuilder(h, treeShape(n, 1))
  const aligned = leaves.byteOffset % 4 === 0 ? leaves : leaves.slice()
  b.push(new Uint32Array(aligned.buffer, aligned.byteOffset, n * 8), 0, n)
  return b.finish()
}

/** A stored tree: its shape, its cache (in memory or in a file) and where its leaves come from. */
export interface StoredTree {
  readonly shape: TreeShape
  readonly cache: Uint8Array | SectorFile
  /** Leaves [start, start + count) as words (8 per leaf). */
  leaves(start: number, count: number): Promise<Uint32Array>
}

export interface Opening {
  /** The leaf value. */
  leaf: Uint8Array
  /** `depth` siblings, leaf level first. */
  path: Uint8Array
}

async function readCacheNode(
  cache: Uint8Array | SectorFile,
  byteOffset: number,
  into: Uint8Array,
): Promise<void> {
  if (cache instanceof Uint8Array) {
    if (byteOffset + 32 > cache.length) throw new CorruptSectorError('merkle: cache too short')
    into.set(cache.subarray(byteOffset, byteOffset + 32))
  } else {
    await readExact(cache, byteOffset, into)
  }
}

/** Open leaf `index`: rebuild its 2^rows subtree from the leaves, read the rest from the cache. */
export async function openLeaf(h: Hasher, tree: StoredTree, index: number): Promise<Opening> {
  const s = tree.shape
  if (!(index >= 0 && index < s.leaves))
    throw new RangeError(`merkle: leaf ${index} outside 0..${s.leaves - 1}`)
  const group = 1 << s.rows
  const base = index - (index % group)
  const words = (await tree.leaves(base, group)).slice(0, group * 8)
  const w = wordsOf(h)
  const path = new Uint8Array(s.depth * 32)
  const pathW = new Uint32Array(path.buffer)
  const leaf = new Uint8Array(32)
  new Uint32Array(leaf.buffer).set(words.subarray((index - base) * 8, (index - base) * 8 + 8))
  let pos = index - base
  let n = group
  for (let k = 0; k < s.rows; k++) {
    pathW.set(words.subarray((pos ^ 1) * 8, (pos ^ 1) * 8 + 8), k * 8)
    hashLevel(w, h, words, 0, n / 2, words, 0)
    n /= 2
    pos >>>= 1
  }
  for (let k = s.rows; k < s.depth; k++) {
    const sib = (index >>> k) ^ 1
    await readCacheNode(tree.cache, (cacheLevelWords(s, k) + sib * 8) * 4, path.subarray(k * 32, k * 32 + 32))
  }
  return { leaf, path }
}

/**
 * True when `path` leads from `leaf` at `index` to `root`. Pure; never throws on malformed input of the
 * right types (a path of the wrong length is simply false).
 */
export function verifyOpening(
  h: Hasher,
  root: Uint8Array,
  depth: number,
  index: number,
  leaf: Uint8Array,
  path: Uint8Array,
): boolean {
  if (leaf.length !== 32 || path.length !== depth * 32 || root.length !== 32) return false
  if (!(Number.isInteger(index) && index >= 0 && index < 2 ** depth)) return false
  const input = h.input
  const out = h.output
  // The running node is copied byte-wise next to its sibling each level (no allocation: this is the
  // validator's hot loop, 20 levels × 64–512 rounds per PoSt).
  for (let i = 0; i < 32; i++) scratch[i] = leaf[i]!
  for (let k = 0; k < depth; k++) {
    const s = k * 32
    const right = (index >>> k) & 1
    const curAt = right ? 32 : 0
    const sibAt = right ? 0 : 32
    for (let i = 0; i < 32; i++) {
      input[curAt + i] = scratch[i]!
      input[sibAt + i] = path[s + i]!
    }
    h.digest(64)
    for (let i = 0; i < 32; i++) scratch[i] = out[i]!
  }
  for (let i = 0; i < 32; i++) if (scratch[i] !== root[i]) return false
  return true
}

const scratch = new Uint8Array(32)
