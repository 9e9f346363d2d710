/**
 * What a light client checks itself (PRODUCT §4.8), instead of trusting a relay:
 *
 *  - a header N is accepted only with signed EXTERNALIZE statements of slot N + 1 whose committed
 *    value names SHA-256(header N) as its previous ledger, from validators that satisfy the client's
 *    trusted quorum set (a slice of it: the client is not a validator and has no statements of its own);
 *  - an account (or any entry) only with a state proof against an accepted header's state root;
 *  - a transaction result only with an inclusion proof against an accepted header's results root
 *    (the leaf count comes from the header, never from the relay).
 */
import { equalBytes } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import type { Ed25519 } from '../crypto/ed25519.js'
import { parseValidatorId } from '../crypto/strkey.js'
import { type EntryProof, verifyEntryProof, verifyResultProof } from '../ledger/proofs.js'
import {
  type Entry,
  type EntryKey,
  EntryType,
  type LedgerHeader,
  LedgerHeaderType,
  LedgerValueType,
  type TransactionResult,
  TransactionResultType,
} from '../ledger/types.js'
import type { MerkleProof } from '../merkle/list.js'
import type { SmtProof } from '../merkle/smt.js'
import { EnvelopeMessage, statementSignatureBase } from '../scp/codec.js'
import { allNodes, isQuorumSlice } from '../scp/quorum.js'
import type { QuorumSet } from '../scp/types.js'
import type { CertifiedHeader } from './messages.js'

export interface TrustContext {
  networkId: Uint8Array
  /** The client's trusted quorum set (PageRank-chosen by default, editable; trust.ts). */
  quorumSet: QuorumSet
  ed25519: Ed25519
}

export type HeaderCheck =
  | { ok: true; header: LedgerHeader; hash: Uint8Array; signers: string[]; conflicting: string[] }
  | {
      ok: false
      reason: string
      /** Set when trusted validators validly signed a next value built on *another* header. */
      conflict?: boolean
      /** The header, when it decodes (to compare it with what other relays say). */
      header?: LedgerHeader
      hash?: Uint8Array
      /** Trusted validators whose valid signatures certify this header (not enough of them). */
      signers?: string[]
      /** Trusted validators that validly signed a next value on another previous header. */
      conflicting?: string[]
      /** Trusted validators named by an envelope whose signature does not verify: a forgery. */
      invalid?: string[]
    }

/**
 * Check a certified header. Only envelopes of validators named in the trusted quorum set count (others
 * are skipped before any signature check, so padding a certificate with strangers costs nothing), one
 * per validator; their signatures are verified concurrently. `conflict` is set when trusted validators
 * validly signed a next value built on a *different* header: with a satisfied slice that is a split
 * network (two certified histories); without one, a header the signatures do not certify.
 */
export async function verifyCertifiedHeader(c: CertifiedHeader, trust: TrustContext): Promise<HeaderCheck> {
  const h = LedgerHeaderType.tryDecode(c.header)
  if (!h.ok) return { ok: false, reason: `the header does not decode: ${h.error.message}` }
  const header = h.value
  const hash = sha256(c.header)
  const trusted = new Set(allNodes(trust.quorumSet))
  const candidates: {
    nodeId: string
    key: Uint8Array
    base: Uint8Array
    sig: Uint8Array
    prev: Uint8Array
  }[] = []
  const seen = new Set<string>()
  for (const bytes of c.certificate) {
    const e = EnvelopeMessage.tryDecode(bytes)
    if (!e.ok) continue
    const st = e.value.statement
    if (st.slotIndex !== header.seq + 1n || st.pledges.type !== 'externalize') continue
    if (!trusted.has(st.nodeId) || seen.has(st.nodeId)) continue
    const v = LedgerValueType.tryDecode(st.pledges.commit.value)
    if (!v.ok) continue
    let key: Uint8Array
    try {
      key = parseValidatorId(st.nodeId)
    } catch {
      continue
    }
    seen.add(st.nodeId)
    candidates.push({
      nodeId: st.nodeId,
      key,
      base: statementSignatureBase(trust.networkId, st),
      sig: e.value.signature,
      prev: v.value.previousLedgerHash,
    })
  }
  const valid = await Promise.all(candidates.map((x) => trust.ed25519.verify(x.key, x.base, x.sig)))
  const signers: string[] = []
  const conflicting: string[] = []
  const invalid: string[] = []
  candidates.forEach((x, i) => {
    if (!valid[i]) invalid.push(x.nodeId)
    // A validator signed a next value built on another header: the relay, or the network, is split.
    else if (!equalBytes(x.prev, hash)) conflicting.push(x.nodeId)
    else signers.push(x.nodeId)
  })
  signers.sort()
  conflicting.sort()
  invalid.sort()
  if (!isQuorumSlice(trust.quorumSet, signers)) {
    return {
      ok: false,
      reason: `header ${header.seq} is certified by ${signers.length} trusted validator signature(s), not enough for the trusted quorum set`,
      conflict: conflicting.length > 0,
      header,
      hash,
      signers,
      conflicting,
      invalid,
    }
  }
  return { ok: true, header, hash, signers, conflicting }
}

export type EntryCheck = { ok: true; entry: Entry | undefined } | { ok: false; reason: string }

/** Check an entry (bytes, or absent) with its proof against an accepted header. */
export function verifyEntry(
  header: LedgerHeader,
  key: EntryKey,
  entryBytes: Uint8Array | undefined,
  proof: SmtProof,
): EntryCheck {
  let entry: Entry | undefined
  if (entryBytes !== undefined) {
    const d = EntryType.tryDecode(entryBytes)
    if (!d.ok) return { ok: false, reason: `the entry does not decode: ${d.error.message}` }
    entry = d.value
  }
  const p: EntryProof = { key, entry, proof }
  const r = verifyEntryProof(header.stateRoot, p)
  return r.ok ? { ok: true, entry } : { ok: false, reason: `the state proof fails: ${r.reason}` }
}

export type ResultCheck = { ok: true; result: TransactionResult } | { ok: false; reason: string }

/** Check a transaction result at `index` of an accepted header (count = header.txCount). */
export function verifyTransactionResult(
  header: LedgerHeader,
  index: number,
  resultBytes: Uint8Array,
  proof: MerkleProof,
  txHash: Uint8Array,
): ResultCheck {
  const d = TransactionResultType.tryDecode(resultBytes)
  if (!d.ok) return { ok: false, reason: `the result does not decode: ${d.error.message}` }
  if (!equalBytes(d.value.txHash, txHash))
    return { ok: false, reason: 'the result is for another transaction' }
  const r = verifyResultProof(header.resultsRoot, index, header.txCount, d.value, proof)
  return r.ok
    ? { ok: true, result: d.value }
    : { ok: false, reason: `the inclusion proof fails: ${r.reason}` }
}
