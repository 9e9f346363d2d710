/**
 * Attestations: validators' signed EXTERNALIZE statements for a slot, carried compactly in the next
 * transaction set so the ledger can count, deterministically, which validators took part in each
 * ledger (the node bonus, PRODUCT §4.4). Each compact attestation is expanded back into the SCP
 * statement it signed, and its signature becomes a check like any other (checks.ts).
 *
 * Sybil note: anyone can sign an EXTERNALIZE for a value they saw. Honest proposers include only
 * attestations from validators in their own transitive quorum (relay/src/node), and a linked
 * validator must also sign the link; a validator nobody trusts therefore needs a dishonest proposer to
 * be counted. docs/protocol.md §Node bonus states this limit.
 */
import { compareBytes } from '../codec/bytes.js'
import { parseValidatorId, validatorId } from '../crypto/strkey.js'
import { statementSignatureBase } from '../scp/codec.js'
import type { Envelope, Statement } from '../scp/types.js'
import { type SignatureCheck, signatureCheck } from './checks.js'
import { type Attestation, type LedgerValue, LedgerValueType } from './types.js'

/** The SCP statement an attestation stands for: EXTERNALIZE of `value` in `slot`. */
export function attestationStatement(slot: bigint, value: LedgerValue, a: Attestation): Statement {
  return {
    nodeId: validatorId(a.validator),
    slotIndex: slot,
    pledges: {
      type: 'externalize',
      commitQuorumSetHash: a.quorumSetHash,
      commit: { counter: a.commitCounter, value: LedgerValueType.encode(value) },
      nH: a.nH,
    },
  }
}

export function attestationCheck(
  networkId: Uint8Array,
  slot: bigint,
  value: LedgerValue,
  a: Attestation,
): SignatureCheck {
  return signatureCheck(
    a.validator,
    statementSignatureBase(networkId, attestationStatement(slot, value, a)),
    a.signature,
  )
}

/**
 * Compact attestations from verified EXTERNALIZE envelopes of `slot` whose committed value is
 * `valueBytes`; others (another value, a non-validator id) are left out. Sorted by validator.
 */
export function attestationsFrom(
  envelopes: readonly Envelope[],
  slot: bigint,
  valueBytes: Uint8Array,
): Attestation[] {
  const out: Attestation[] = []
  for (const e of envelopes) {
    const p = e.statement.pledges
    if (p.type !== 'externalize' || e.statement.slotIndex !== slot) continue
    if (compareBytes(p.commit.value, valueBytes) !== 0) continue
    let key: Uint8Array
    try {
      key = parseValidatorId(e.statement.nodeId)
    } catch {
      continue
    }
    out.push({
      validator: key,
      commitCounter: p.commit.counter,
      nH: p.nH,
      quorumSetHash: p.commitQuorumSetHash,
      signature: e.signature,
    })
  }
  const seen = new Set<string>()
  return out
    .sort((a, b) => compareBytes(a.validator, b.validator))
    .filter((a) => {
      const k = String.fromCharCode(...a.validator)
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
}
