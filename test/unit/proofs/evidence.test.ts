import { beforeAll, describe, expect, it } from 'vitest'
import { networkIdOf, toHex } from '../../../src/core/codec/index.js'
import { nobleEd25519, seedSigner } from '../../../src/core/crypto/index.js'
import {
  checkFaultEvidence,
  encodePoSt,
  GENESIS_POST_DIGEST,
  makeFaultEvidence,
  memoryStore,
  type PoStVerifyContext,
  postDigest,
  postWindowOf,
  proofCodecs,
  provePoSt,
  type SignedPoSt,
  signPoSt,
  testParams,
} from '../../../src/core/proofs/index.js'
import { fakeLedger, hasher, sealedFixture } from './fixtures.js'

const params = testParams()
const codecs = proofCodecs(params)
const networkId = networkIdOf('watt test network')
const ledger = fakeLedger(10_000n)
const CHECK_IN = 500n
const W = postWindowOf(CHECK_IN)

describe('PoSt fault evidence', () => {
  let prover: Awaited<ReturnType<typeof seedSigner>>
  let other: Awaited<ReturnType<typeof seedSigner>>
  let good: Uint8Array
  let ctx: (inclusion: bigint) => PoStVerifyContext

  beforeAll(async () => {
    prover = await seedSigner(nobleEd25519, new Uint8Array(32).fill(1))
    other = await seedSigner(nobleEd25519, new Uint8Array(32).fill(2))
    const store = memoryStore()
    const { info } = await sealedFixture(params, { store, sectorId: 'a' })
    // The sector was sealed for MINER; the PoSt names the prover's key, which the ledger maps to it.
    const proof = await provePoSt(await hasher(), store, {
      params,
      prover: prover.publicKey,
      window: W.window,
      checkInHeight: CHECK_IN,
      beacon: ledger(CHECK_IN + 1n)!,
      prevDigest: GENESIS_POST_DIGEST,
      sectorIds: ['a'],
    })
    good = encodePoSt(params, proof).bytes
    ctx = (inclusionHeight) => ({
      params,
      prover: prover.publicKey,
      window: W.window,
      windowStart: W.start,
      windowEnd: W.end,
      checkInHeight: CHECK_IN,
      ledgerHash: ledger,
      prevDigest: GENESIS_POST_DIGEST,
      sectors: [{ sectorNumber: info.sectorNumber, commR: info.commR }],
      inclusionHeight,
      responseLedgers: 12n,
    })
  })

  const judge = async (evidence: Uint8Array, inclusion = 600n) =>
    checkFaultEvidence(await hasher(), nobleEd25519, networkId, params, evidence, (key, window) =>
      toHex(key) === toHex(prover.publicKey) && window === W.window ? ctx(inclusion) : undefined,
    )
  const submit = (proof: Uint8Array, signer = prover): Promise<SignedPoSt> =>
    signPoSt(params, networkId, signer, W.window, proof)

  it('a late proof, signed by its prover, is a late fault', async () => {
    const ev = codecs.evidence.encode(makeFaultEvidence(await submit(good), 'lateProof', 600n))
    const r = await judge(ev)
    expect(r).toMatchObject({ ok: true, fault: { kind: 'late', reason: 'lateProof', window: W.window } })
    if (r.ok) {
      expect(toHex(r.fault.prover)).toBe(toHex(prover.publicKey))
      expect(toHex(r.fault.proofDigest)).toBe(toHex(postDigest(good)))
    }
  })

  it('a wrong proof is an invalid fault with its reason, even when it does not decode', async () => {
    const broken = good.slice()
    broken[broken.length - 40]! ^= 1
    const r = await judge(
      codecs.evidence.encode(makeFaultEvidence(await submit(broken), 'wrongOpening', 505n)),
      505n,
    )
    expect(r).toMatchObject({ ok: true, fault: { kind: 'invalid', reason: 'wrongOpening' } })
    const garbage = good.subarray(0, 100)
    const g = await judge(
      codecs.evidence.encode(makeFaultEvidence(await submit(garbage), 'malformedProof', 505n)),
      505n,
    )
    expect(g).toMatchObject({ ok: true, fault: { kind: 'invalid', reason: 'malformedProof' } })
  })

  it('a valid, timely proof is no fault', async () => {
    expect(
      await judge(codecs.evidence.encode(makeFaultEvidence(await submit(good), 'wrongOpening', 505n)), 505n),
    ).toMatchObject({
      ok: false,
      reason: 'proofValid',
    })
  })

  it('the claimed reason must be the real one', async () => {
    expect(
      await judge(codecs.evidence.encode(makeFaultEvidence(await submit(good), 'wrongSeed', 600n))),
    ).toMatchObject({
      ok: false,
      reason: 'reasonMismatch',
    })
    const ev = { ...makeFaultEvidence(await submit(good), 'lateProof', 600n), kind: 'invalid' as const }
    expect(await judge(codecs.evidence.encode(ev))).toMatchObject({ ok: false, reason: 'reasonMismatch' })
  })

  it('a submission not signed by the prover it names proves nothing', async () => {
    const forged = await submit(good, other)
    const claimed = { ...forged, body: { ...forged.body, prover: prover.publicKey } }
    expect(await judge(codecs.evidence.encode(makeFaultEvidence(claimed, 'lateProof', 600n)))).toMatchObject({
      ok: false,
      reason: 'badSignature',
    })
    const s = await submit(good)
    const bad = { ...s, signature: s.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }
    expect(await judge(codecs.evidence.encode(makeFaultEvidence(bad, 'lateProof', 600n)))).toMatchObject({
      reason: 'badSignature',
    })
  })

  it('evidence for a window the ledger does not know, or bytes that do not decode, is refused', async () => {
    const s = await signPoSt(params, networkId, prover, W.window + 5n, good)
    expect(await judge(codecs.evidence.encode(makeFaultEvidence(s, 'lateProof', 600n)))).toMatchObject({
      ok: false,
      reason: 'unknownContext',
    })
    const ev = codecs.evidence.encode(makeFaultEvidence(await submit(good), 'lateProof', 600n))
    expect(await judge(ev.subarray(0, ev.length - 3))).toMatchObject({
      ok: false,
      reason: 'malformedEvidence',
    })
  })
})
