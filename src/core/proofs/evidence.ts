/**
 * PoSt fault evidence (docs/proofs.md §Faults): a wrong or late proof, signed by its prover, is a
 * compact, self-contained fraud proof that anyone can check and a later ledger issue turns into a
 * fault (storage-proofs.md §3.7: slash the sector's pledge, reward the reporter).
 *
 * A prover signs SignedPoStBody = [v, prover, window, proof bytes] under
 * signatureBase(networkId, 'storageProof', ·). Evidence = that signed submission + the rejection the
 * reporter claims + the height it was included at. Checking evidence re-runs verification in the
 * ledger's context for (prover, window): the evidence stands only if the proof really fails with the
 * claimed reason. A missed window (no proof at all) needs no evidence: the ledger sees the absence.
 */

import { signatureBase } from '../codec/signing.js'
import type { Ed25519 } from '../crypto/ed25519.js'
import { type PoStFaultEvidence, postDigest, proofCodecs, type SignedPoSt } from './codecs.js'
import type { Hasher } from './hasher.js'
import type { ProofParams } from './params.js'
import { type PoStVerifyContext, verifyPoSt } from './post.js'
import type { PoStRejection } from './results.js'

/** Something that signs as the prover's key (see src/core/crypto Signer). */
export interface PoStSigner {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
}

/** Sign a PoSt for submission. */
export async function signPoSt(
  params: ProofParams,
  networkId: Uint8Array,
  signer: PoStSigner,
  window: bigint,
  proofBytes: Uint8Array,
): Promise<SignedPoSt> {
  const body = { v: 1 as const, prover: signer.publicKey, window, proof: proofBytes }
  const msg = signatureBase(networkId, 'storageProof', proofCodecs(params).signedPoStBody.encode(body))
  return { body, signature: await signer.sign(msg) }
}

/** What a checked fault says, for the ledger. */
export interface PoStFault {
  readonly prover: Uint8Array
  readonly window: bigint
  readonly kind: 'invalid' | 'late'
  readonly reason: PoStRejection
  /** Digest of the faulty proof bytes (dedupes repeated reports of one proof). */
  readonly proofDigest: Uint8Array
}

export const EVIDENCE_REJECTIONS = [
  /** The evidence bytes do not decode. */
  'malformedEvidence',
  /** The submission's signature is not the prover's. */
  'badSignature',
  /** The ledger has no context for (prover, window): unknown prover, no check-in, future window. */
  'unknownContext',
  /** The proof verifies: nothing to report. */
  'proofValid',
  /** The proof fails, but for another reason than claimed (or kind and reason disagree). */
  'reasonMismatch',
] as const
export type EvidenceRejection = (typeof EVIDENCE_REJECTIONS)[number]

export type EvidenceResult =
  | { readonly ok: true; readonly fault: PoStFault }
  | { readonly ok: false; readonly reason: EvidenceRejection; readonly detail: string }

/** Build evidence against a signed submission that failed verification with `reason`. */
export function makeFaultEvidence(
  submission: SignedPoSt,
  reason: PoStRejection,
  inclusionHeight: bigint,
): PoStFaultEvidence {
  return { v: 1, kind: reason === 'lateProof' ? 'late' : 'invalid', reason, inclusionHeight, submission }
}

/**
 * Check fault evidence. `contextFor` returns the ledger's verification context for (prover, window) —
 * with the inclusion height the ledger itself recorded; the evidence's claim is only a hint — or
 * undefined when the ledger knows no such window.
 */
export async function checkFaultEvidence(
  h: Hasher,
  ed25519: Ed25519,
  networkId: Uint8Array,
  params: ProofParams,
  evidence: Uint8Array | PoStFaultEvidence,
  contextFor: (
    prover: Uint8Array,
    window: bigint,
    claimedInclusionHeight: bigint,
  ) => PoStVerifyContext | undefined,
): Promise<EvidenceResult> {
  const codecs = proofCodecs(params)
  let ev: PoStFaultEvidence
  if (evidence instanceof Uint8Array) {
    const r = codecs.evidence.tryDecode(evidence)
    if (!r.ok)
      return { ok: false, reason: 'malformedEvidence', detail: `${r.error.name}: ${r.error.message}` }
    ev = r.value
  } else {
    ev = evidence
  }
  if ((ev.kind === 'late') !== (ev.reason === 'lateProof'))
    return { ok: false, reason: 'reasonMismatch', detail: `kind ${ev.kind} with reason ${ev.reason}` }
  const body = ev.submission.body
  const msg = signatureBase(networkId, 'storageProof', codecs.signedPoStBody.encode(body))
  if (!(await ed25519.verify(body.prover, msg, ev.submission.signature)))
    return { ok: false, reason: 'badSignature', detail: 'the submission is not signed by its prover' }
  const ctx = contextFor(body.prover, body.window, ev.inclusionHeight)
  if (!ctx) return { ok: false, reason: 'unknownContext', detail: `no window ${body.window} for this prover` }
  const result = verifyPoSt(h, body.proof, ctx)
  if (result.ok) return { ok: false, reason: 'proofValid', detail: 'the proof verifies' }
  if (result.reason !== ev.reason)
    return {
      ok: false,
      reason: 'reasonMismatch',
      detail: `proof fails with ${result.reason}, evidence claims ${ev.reason}`,
    }
  return {
    ok: true,
    fault: {
      prover: body.prover,
      window: body.window,
      kind: ev.kind,
      reason: result.reason,
      proofDigest: postDigest(body.proof),
    },
  }
}
