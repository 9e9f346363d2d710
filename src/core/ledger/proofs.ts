/**
 * What a light client checks (PRODUCT §4.8): an entry (a balance, a day's payout root) against a
 * header's state root, and a transaction's result against a header's results root. Provers run on
 * relays; verifiers in the browser.
 */
import { sha256 } from '../codec/hash.js'
import { type MerkleProof, merkleProof, verifyMerkleProof } from '../merkle/list.js'
import { type SmtProof, verifySmtProof } from '../merkle/smt.js'
import { entryKeyHash, keyStringOf } from './keys.js'
import type { LedgerState } from './state.js'
import {
  type Entry,
  type EntryKey,
  EntryType,
  type TransactionResult,
  TransactionResultType,
} from './types.js'

export type ProofCheck = { ok: true } | { ok: false; reason: string }

export interface EntryProof {
  key: EntryKey
  /** The entry, or undefined when the proof shows it does not exist. */
  entry: Entry | undefined
  proof: SmtProof
}

export function proveEntry(state: LedgerState, key: EntryKey): EntryProof {
  return { key, entry: state.getEntry(keyStringOf(key)), proof: state.tree.prove(entryKeyHash(key)) }
}

/** Check an entry (or its absence) against a state root. */
export function verifyEntryProof(stateRoot: Uint8Array, p: EntryProof): ProofCheck {
  if (p.entry !== undefined && p.entry.type !== p.key.type)
    return { ok: false, reason: `entry is a ${p.entry.type}, key is a ${p.key.type}` }
  const valueHash = p.entry === undefined ? undefined : sha256(EntryType.encode(p.entry))
  return verifySmtProof(stateRoot, entryKeyHash(p.key), valueHash, p.proof)
}

export function proveResult(results: readonly TransactionResult[], index: number): MerkleProof {
  return merkleProof(
    results.map((r) => TransactionResultType.encode(r)),
    index,
  )
}

/** Check that `result` is result `index` of `count` in a ledger with `resultsRoot`. */
export function verifyResultProof(
  resultsRoot: Uint8Array,
  index: number,
  count: number,
  result: TransactionResult,
  proof: MerkleProof,
): ProofCheck {
  return verifyMerkleProof(resultsRoot, index, count, TransactionResultType.encode(result), proof)
}
