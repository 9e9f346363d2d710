import { beforeAll, describe, expect, it } from 'vitest'
import { type Data, decodeData, encodeData, toHex } from '../../../src/core/codec/index.js'
import {
  encodePoSt,
  GENESIS_POST_DIGEST,
  memoryStore,
  type PoStProof,
  type PoStVerifyContext,
  postChallenge,
  postDigest,
  postNext,
  postProofMaxBytes,
  postWindowOf,
  provePoSt,
  type SealedSectorInfo,
  testParams,
  verifyPoSt,
} from '../../../src/core/proofs/index.js'
import { fakeLedger, hasher, MINER, OTHER_MINER, sealedFixture } from './fixtures.js'

const params = testParams()
const ledger = fakeLedger(10_000n)
const CHECK_IN = 4400n
const WINDOW = postWindowOf(CHECK_IN)

function contextFor(infos: SealedSectorInfo[], over: Partial<PoStVerifyContext> = {}): PoStVerifyContext {
  return {
    params,
    prover: MINER,
    window: WINDOW.window,
    windowStart: WINDOW.start,
    windowEnd: WINDOW.end,
    checkInHeight: CHECK_IN,
    ledgerHash: ledger,
    prevDigest: GENESIS_POST_DIGEST,
    sectors: infos.map((i) => ({ sectorNumber: i.sectorNumber, commR: i.commR })),
    inclusionHeight: CHECK_IN + 3n,
    responseLedgers: 12n,
    ...over,
  }
}

const flip = (b: Uint8Array, i = 0) => {
  const c = b.slice()
  c[i]! ^= 0x80
  return c
}

describe('proof of spacetime', () => {
  const store = memoryStore()
  const ids = ['s-1', 's-2', 's-3']
  let infos: SealedSectorInfo[]
  let proof: PoStProof
  let bytes: Uint8Array
  let ctx: PoStVerifyContext

  const request = (over: object = {}) => ({
    params,
    prover: MINER,
    window: WINDOW.window,
    checkInHeight: CHECK_IN,
    beacon: ledger(CHECK_IN + 1n)!,
    prevDigest: GENESIS_POST_DIGEST,
    sectorIds: ids,
    ...over,
  })

  beforeAll(async () => {
    infos = []
    for (let i = 0; i < ids.length; i++)
      infos.push(
        (await sealedFixture(params, { store, sectorId: ids[i]!, sectorNumber: BigInt(i + 1), seed: i + 1 }))
          .info,
      )
    proof = await provePoSt(await hasher(), store, request())
    bytes = encodePoSt(params, proof).bytes
    ctx = contextFor(infos)
  })

  const check = async (p: PoStProof | Uint8Array, c = ctx) => verifyPoSt(await hasher(), p, c)
  const tampered = async (edit: (p: PoStProof) => void, c = ctx) => {
    const copy = structuredClone(proof)
    edit(copy)
    const direct = await check(copy, c)
    expect(await check(encodePoSt(params, copy).bytes, c)).toEqual(direct)
    return direct
  }

  it('verifies; m = clamp(2n, 8, 16) = 8 rounds for 3 sectors; small and fast', async () => {
    expect(await check(bytes)).toEqual({ ok: true })
    expect(proof.openings).toHaveLength(8)
    expect(proof.commitments.length).toBeGreaterThanOrEqual(1)
    expect(proof.commitments.length).toBeLessThanOrEqual(3)
    expect(bytes.length).toBeLessThanOrEqual(postProofMaxBytes(params))
  })

  it('chains the rounds through the replica bytes: another leaf value sends the next round elsewhere', async () => {
    const h = await hasher()
    const s0 = new Uint8Array(32).fill(1)
    const next = new Set<string>()
    for (let b = 0; b < 16; b++)
      next.add(JSON.stringify(postChallenge(postNext(h, s0, new Uint8Array(32).fill(b), 0), 1000, 2 ** 20)))
    expect(next.size).toBe(16)
  })

  it('chains windows: the next proof commits to this one’s digest, and a fork from genesis is refused', async () => {
    const digest = encodePoSt(params, proof).digest
    expect(toHex(digest)).toBe(toHex(postDigest(bytes)))
    const nextWindow = postWindowOf(WINDOW.end + 100n)
    const checkIn = WINDOW.end + 100n
    const next = await provePoSt(
      await hasher(),
      store,
      request({
        window: nextWindow.window,
        checkInHeight: checkIn,
        beacon: ledger(checkIn + 1n)!,
        prevDigest: digest,
      }),
    )
    const c = contextFor(infos, {
      window: nextWindow.window,
      windowStart: nextWindow.start,
      windowEnd: nextWindow.end,
      checkInHeight: checkIn,
      inclusionHeight: checkIn + 2n,
      prevDigest: digest,
    })
    expect(await check(next, c)).toEqual({ ok: true })
    expect(await check(next, { ...c, prevDigest: GENESIS_POST_DIGEST })).toMatchObject({
      ok: false,
      reason: 'wrongPrevDigest',
    })
  })

  describe('rejects a tampered proof with the rule it breaks', () => {
    const cases: [string, (p: PoStProof) => void, string, number?][] = [
      [
        'porepId',
        (p) => {
          p.porepId = flip(p.porepId)
        },
        'wrongParams',
      ],
      [
        'prover',
        (p) => {
          p.prover = OTHER_MINER
        },
        'wrongProver',
      ],
      [
        'window',
        (p) => {
          p.window += 1n
        },
        'wrongWindow',
      ],
      [
        'checkInHeight',
        (p) => {
          p.checkInHeight -= 1n
        },
        'wrongWindow',
      ],
      [
        'beacon',
        (p) => {
          p.beacon = flip(p.beacon)
        },
        'wrongSeed',
      ],
      [
        'prevDigest',
        (p) => {
          p.prevDigest = flip(p.prevDigest)
        },
        'wrongPrevDigest',
      ],
      [
        'sectorSet',
        (p) => {
          p.sectorSet = flip(p.sectorSet)
        },
        'wrongSectorSet',
      ],
      [
        'commC',
        (p) => {
          p.commitments[0]!.commC = flip(p.commitments[0]!.commC)
        },
        'wrongCommitment',
        0,
      ],
      [
        'commRLast',
        (p) => {
          p.commitments[0]!.commRLast = flip(p.commitments[0]!.commRLast)
        },
        'wrongCommitment',
        0,
      ],
      ['an extra commitment', (p) => void p.commitments.push(p.commitments[0]!), 'wrongChallengeCount'],
      [
        'a missing commitment',
        (p) => {
          p.commitments.length = p.commitments.length - 1
        },
        'wrongChallengeCount',
      ],
      ['an extra round', (p) => void p.openings.push(p.openings[0]!), 'wrongChallengeCount'],
      [
        'leaf of round 5',
        (p) => {
          p.openings[5]!.leaf = flip(p.openings[5]!.leaf)
        },
        'wrongOpening',
        5,
      ],
      [
        'path of round 2',
        (p) => {
          p.openings[2]!.path = flip(p.openings[2]!.path, 100)
        },
        'wrongOpening',
        2,
      ],
      [
        'rounds 0 and 1 swapped',
        (p) => {
          ;[p.openings[0], p.openings[1]] = [p.openings[1]!, p.openings[0]!]
        },
        'wrongOpening',
        0,
      ],
    ]
    for (const [what, edit, reason, at] of cases)
      it(`${what} → ${reason}`, async () => {
        const r = await tampered(edit)
        expect(r).toMatchObject({ ok: false, reason })
        if (at !== undefined) expect(r).toMatchObject({ at })
      })
  })

  describe('rejects against the ledger context', () => {
    it('included after checkInHeight + 1 + Δ → lateProof', async () => {
      expect(await check(bytes, contextFor(infos, { inclusionHeight: CHECK_IN + 13n }))).toEqual({ ok: true })
      expect(await check(bytes, contextFor(infos, { inclusionHeight: CHECK_IN + 14n }))).toMatchObject({
        ok: false,
        reason: 'lateProof',
      })
    })
    it('a check-in outside the window → wrongWindow', async () =>
      expect(await check(bytes, contextFor(infos, { windowStart: CHECK_IN + 1n }))).toMatchObject({
        ok: false,
        reason: 'wrongWindow',
      }))
    it('a proof for another prover’s submission → wrongProver', async () =>
      expect(await check(bytes, contextFor(infos, { prover: OTHER_MINER }))).toMatchObject({
        ok: false,
        reason: 'wrongProver',
      }))
    it('a beacon not final yet → wrongSeed', async () =>
      expect(await check(bytes, contextFor(infos, { ledgerHash: fakeLedger(CHECK_IN) }))).toMatchObject({
        ok: false,
        reason: 'wrongSeed',
      }))
    it('a sector left out of the set (or a stale set) → wrongSectorSet', async () => {
      expect(await check(bytes, contextFor(infos.slice(0, 2)))).toMatchObject({
        ok: false,
        reason: 'wrongSectorSet',
      })
      expect(await check(bytes, contextFor([]))).toMatchObject({ ok: false, reason: 'wrongSectorSet' })
    })
  })

  describe('rejects bad bytes as malformedProof', () => {
    const reasonOf = async (b: Uint8Array) => {
      const r = await check(b)
      return r.ok ? 'ok' : `${r.reason}/${r.detail.split(':')[0]}`
    }
    it('truncated', async () =>
      expect(await reasonOf(bytes.subarray(0, bytes.length - 1))).toBe(
        'malformedProof/MalformedEncodingError',
      ))
    it('oversized', async () =>
      expect(await reasonOf(new Uint8Array(postProofMaxBytes(params) + 1))).toBe(
        'malformedProof/MessageTooLargeError',
      ))
    it('too few rounds for the parameters', async () => {
      const d = decodeData(bytes, 't') as Data[]
      ;(d[9] as Data[]).pop()
      expect(await reasonOf(encodeData(d))).toBe('malformedProof/ValueOutOfRangeError')
    })
    it('any single byte changed', async () => {
      for (let i = 0; i < bytes.length; i += 7) {
        const b = bytes.slice()
        b[i]! ^= 0x41
        expect(await reasonOf(b), `byte ${i}`).not.toBe('ok')
      }
    })
  })

  it('needs the replicas: a prover without a sector’s replica cannot prove', async () => {
    const partial = memoryStore()
    for (const name of await store.list('sectors/'))
      if (!name.startsWith('sectors/s-2/replica')) {
        const src = await store.open(name)
        const buf = new Uint8Array(await src.size())
        await src.read(0, buf)
        const dst = await partial.open(name, { create: true })
        await dst.write(0, buf)
      }
    await expect(provePoSt(await hasher(), partial, request())).rejects.toMatchObject({
      name: 'SectorFileNotFoundError',
    })
  })
})

describe('proof of spacetime over many sectors', () => {
  it('proves and verifies 24 sectors with 48 chained rounds (more sectors touched than trees kept open)', async () => {
    const p = testParams({ sectorSize: 1024, layers: 2, postChallengesMin: 8, postChallengesMax: 64 })
    const store = memoryStore()
    const infos: SealedSectorInfo[] = []
    const ids: string[] = []
    for (let i = 0; i < 24; i++) {
      ids.push(`m-${i}`)
      infos.push(
        (await sealedFixture(p, { store, sectorId: `m-${i}`, sectorNumber: BigInt(i + 1), seed: 100 + i }))
          .info,
      )
    }
    const proof = await provePoSt(await hasher(), store, {
      params: p,
      prover: MINER,
      window: WINDOW.window,
      checkInHeight: CHECK_IN,
      beacon: ledger(CHECK_IN + 1n)!,
      prevDigest: GENESIS_POST_DIGEST,
      sectorIds: ids,
    })
    expect(proof.openings).toHaveLength(48)
    expect(proof.commitments.length).toBeGreaterThan(16)
    expect(
      await verifyPoSt(await hasher(), encodePoSt(p, proof).bytes, { ...contextFor(infos), params: p }),
    ).toEqual({ ok: true })
  })
})
