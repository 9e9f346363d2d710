/**
 * A read view of the ledger *before* the last closed one, for light clients.
 *
 * Light clients accept ledger N only with a quorum of signed EXTERNALIZE statements for slot N + 1,
 * whose value names header N's hash (PRODUCT §4.8). When a relay has just closed ledger L, the
 * newest header it can certify is therefore L − 1, and state proofs must be against L − 1's state
 * root. This view keeps a second state tree that trails the live one by one ledger (each close applies
 * the previous ledger's diff to it), and answers entry reads as of L − 1 by undoing the last diff over
 * the live entries. Cost: a second tree (≈160 B per entry) and one extra tree update per ledger.
 */
import { type SmtProof, SparseMerkleTree } from '../merkle/smt.js'
import type { LedgerDiff } from './close.js'
import { entryKeyHash, entryKeyOf, keyStringOf } from './keys.js'
import type { LedgerState } from './state.js'
import { type Entry, type EntryKey, EntryType, type LedgerHeader } from './types.js'

export class CertifiedView {
  private readonly tree: SparseMerkleTree
  private readonly hasher: (b: Uint8Array) => Uint8Array
  /** The header the view is at, or undefined until a ledger has closed since start-up. */
  header: LedgerHeader | undefined
  /** Entries changed by the last ledger, with their values as of this view. */
  private undo = new Map<string, Entry | undefined>()
  private pending: LedgerDiff | undefined
  private candidate: LedgerHeader

  /** Start from the live state: the view becomes usable after the next close. */
  constructor(private readonly live: LedgerState) {
    this.hasher = live.hasher
    this.tree = new SparseMerkleTree({ hasher: this.hasher })
    for (const [k, e] of live.entries)
      this.tree.set(entryKeyHash(entryKeyOf(k), this.hasher), this.hasher(EntryType.encode(e)))
    this.tree.root()
    this.candidate = live.header
  }

  /** Call after every ledger the live state closes, with its diff. */
  advance(diff: LedgerDiff): void {
    // The view moves to the ledger before `diff`: apply the diff held from the previous close.
    if (this.pending) {
      for (const { key, entry } of this.pending.entries) {
        this.tree.set(
          entryKeyHash(entryKeyOf(key), this.hasher),
          entry ? this.hasher(EntryType.encode(entry)) : undefined,
        )
      }
    }
    this.tree.root()
    this.header = this.candidate
    this.candidate = this.live.header
    this.pending = diff
    this.undo = new Map(diff.entries.map((e) => [e.key, e.before]))
  }

  /** An entry (or its absence) as of the view's header, with its proof against that header's state root. */
  prove(key: EntryKey): { entry: Entry | undefined; proof: SmtProof } | undefined {
    if (!this.header) return undefined
    const k = keyStringOf(key)
    const entry = this.undo.has(k) ? this.undo.get(k) : this.live.getEntry(k)
    return { entry, proof: this.tree.prove(entryKeyHash(key, this.hasher)) }
  }

  /** Check that the view's tree is at the header it claims (used in tests and on start-up). */
  root(): Uint8Array {
    return this.tree.root()
  }
}
