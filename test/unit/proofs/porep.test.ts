import { beforeAll, describe, expect, it } from 'vitest'
import { type Data, decodeData, encodeData, toHex } from '../../../src/core/codec/index.js'
import {
  commROf,
  encodeSealProof,
  memoryStore,
  proofCodecs,
  proveSeal,
  readWholeFile,
  type SealedSectorInfo,
  SealedSectorInfo as SealedSectorInfoType,
  type SealProof,
  type SealVerifyContext,
  sealProofMaxBytes,
  sealSector,
  sectorPaths,
  TreeBuilder,
  testParams,
  treeShape,
  verifySeal,
  writeSectorData,
  writeWholeFile,
} from '../../../src/core/proofs/index.js'
import { fakeLedger, hasher, MINER, OTHER_MINER, type SealedFixture, sealedFixture } from './fixtures.js'

const PRECOMMIT_HEIGHT = 20n
const SEED_DELAY = 10n
const ledger = fakeLedger(1000n)
const seed = { height: PRECOMMIT_HEIGHT + SEED_DELAY, hash: ledger(PRECOMMIT_HEIGHT + SEED_DELAY)! }

function contextFor(info: SealedSectorInfo, over: Partial<SealVerifyContext> = {}): SealVerifyContext {
  return {
    params: testParams(),
    miner: MINER,
    precommit: {
      sectorNumber: info.sectorNumber,
      commD: info.commD,
      commR: info.commR,
      ticketHeight: info.ticketHeight,
      height: PRECOMMIT_HEIGHT,
    },
    ledgerHash: ledger,
    ticketLookback: 100n,
    seedDelay: SEED_DELAY,
    isReplicaKnown: () => false,
    ...over,
  }
}

const flip = (b: Uint8Array, i = 0) => {
  const c = b.slice()
  c[i]! ^= 0x80
  return c
}

describe('seal proof (PoRep)', () => {
  let f: SealedFixture
  let proof: SealProof
  let bytes: Uint8Array
  let ctx: SealVerifyContext

  beforeAll(async () => {
    f = await sealedFixture()
    proof = await proveSeal(await hasher(), f.store, f.sectorId, f.params, seed)
    bytes = encodeSealProof(f.params, proof)
    ctx = contextFor(f.info)
  })

  const check = async (p: SealProof | Uint8Array, c = ctx) => verifySeal(await hasher(), p, c)
  const tampered = async (edit: (p: SealProof) => void, c = ctx) => {
    const copy = structuredClone(proof)
    edit(copy)
    // Through the wire as well as in memory: the codec must carry the tampered value unchanged.
    const viaBytes = await check(encodeSealProof(f.params, copy), c)
    const direct = await check(copy, c)
    expect(viaBytes).toEqual(direct)
    return direct
  }

  it('verifies, from bytes and decoded, with the derived challenges', async () => {
    expect(await check(bytes)).toEqual({ ok: true })
    expect(await check(proof)).toEqual({ ok: true })
    expect(proof.challenges).toHaveLength(f.params.sealChallenges)
    expect(bytes.length).toBeLessThanOrEqual(sealProofMaxBytes(f.params))
    for (const ch of proof.challenges) expect(ch.node).toBeGreaterThan(0)
  })

  it('is the same proof whoever builds it: proving twice gives identical bytes', async () => {
    const again = await proveSeal(await hasher(), f.store, f.sectorId, f.params, seed)
    expect(toHex(encodeSealProof(f.params, again))).toBe(toHex(bytes))
  })

  describe('rejects a tampered header with the rule it breaks', () => {
    const cases: [string, (p: SealProof) => void, string][] = [
      [
        'porepId',
        (p) => {
          p.porepId = flip(p.porepId)
        },
        'wrongParams',
      ],
      [
        'miner',
        (p) => {
          p.miner = OTHER_MINER
        },
        'wrongMiner',
      ],
      [
        'sectorNumber',
        (p) => {
          p.sectorNumber += 1n
        },
        'wrongSector',
      ],
      [
        'commD',
        (p) => {
          p.commD = flip(p.commD)
        },
        'wrongCommitment',
      ],
      [
        'commR',
        (p) => {
          p.commR = flip(p.commR)
        },
        'wrongCommitment',
      ],
      [
        'ticketHeight',
        (p) => {
          p.ticketHeight += 1n
        },
        'wrongTicket',
      ],
      [
        'ticket',
        (p) => {
          p.ticket = flip(p.ticket)
        },
        'wrongTicket',
      ],
      [
        'replicaId',
        (p) => {
          p.replicaId = flip(p.replicaId)
        },
        'replicaIdMismatch',
      ],
      [
        'seedHeight',
        (p) => {
          p.seedHeight += 1n
        },
        'wrongSeed',
      ],
      [
        'seed',
        (p) => {
          p.seed = flip(p.seed)
        },
        'wrongSeed',
      ],
      [
        'commC',
        (p) => {
          p.commC = flip(p.commC)
        },
        'wrongCommitment',
      ],
      [
        'commRLast',
        (p) => {
          p.commRLast = flip(p.commRLast)
        },
        'wrongCommitment',
      ],
      [
        'a challenged node',
        (p) => {
          p.challenges[2]!.node ^= 1
        },
        'wrongChallengeSet',
      ],
      [
        'the challenge order',
        (p) => {
          ;[p.challenges[0], p.challenges[1]] = [p.challenges[1]!, p.challenges[0]!]
        },
        'wrongChallengeSet',
      ],
    ]
    for (const [what, edit, reason] of cases)
      it(`${what} → ${reason}`, async () => expect(await tampered(edit)).toMatchObject({ ok: false, reason }))
  })

  describe('rejects a tampered challenge proof with wrongOpening in the right tree', () => {
    const j = 3
    const cases: [string, (p: SealProof) => void, 'D' | 'R' | 'C'][] = [
      [
        'data leaf',
        (p) => {
          p.challenges[j]!.data.leaf = flip(p.challenges[j]!.data.leaf)
        },
        'D',
      ],
      [
        'data path',
        (p) => {
          p.challenges[j]!.data.path = flip(p.challenges[j]!.data.path, 64)
        },
        'D',
      ],
      [
        'replica leaf',
        (p) => {
          p.challenges[j]!.replica.leaf = flip(p.challenges[j]!.replica.leaf)
        },
        'R',
      ],
      [
        'replica path',
        (p) => {
          p.challenges[j]!.replica.path = flip(p.challenges[j]!.replica.path, 200)
        },
        'R',
      ],
      [
        'column label',
        (p) => {
          p.challenges[j]!.column.labels = flip(p.challenges[j]!.column.labels, 40)
        },
        'C',
      ],
      [
        'column path',
        (p) => {
          p.challenges[j]!.column.path = flip(p.challenges[j]!.column.path, 0)
        },
        'C',
      ],
      [
        'base parent column',
        (p) => {
          p.challenges[j]!.parents[2]!.labels = flip(p.challenges[j]!.parents[2]!.labels, 3)
        },
        'C',
      ],
      [
        'expander parent path',
        (p) => {
          p.challenges[j]!.parents[9]!.path = flip(p.challenges[j]!.parents[9]!.path, 33)
        },
        'C',
      ],
      [
        'a parent column swapped for another valid column',
        (p) => {
          p.challenges[j]!.parents[1] = p.challenges[j]!.parents[12]!
        },
        'C',
      ],
    ]
    for (const [what, edit, tree] of cases)
      it(what, async () =>
        expect(await tampered(edit)).toMatchObject({ ok: false, reason: 'wrongOpening', tree, at: j }),
      )
  })

  describe('rejects bad bytes as malformedProof, naming the decoding error', () => {
    const reasonOf = async (b: Uint8Array) => {
      const r = await check(b)
      expect(r.ok).toBe(false)
      return r.ok ? '' : `${r.reason}/${r.detail.split(':')[0]}`
    }
    const data = () => decodeData(bytes, 'test') as Data[]
    it('truncated', async () =>
      expect(await reasonOf(bytes.subarray(0, bytes.length - 100))).toBe(
        'malformedProof/MalformedEncodingError',
      ))
    it('empty', async () =>
      expect(await reasonOf(new Uint8Array(0))).toBe('malformedProof/MalformedEncodingError'))
    it('oversized', async () =>
      expect(await reasonOf(new Uint8Array(sealProofMaxBytes(f.params) + 1))).toBe(
        'malformedProof/MessageTooLargeError',
      ))
    it('a trailing byte', async () => {
      const r = await reasonOf(Uint8Array.of(...bytes, 0))
      expect(r.startsWith('malformedProof/')).toBe(true)
    })
    it('one challenge missing', async () => {
      const d = data()
      ;(d[13] as Data[]).pop()
      expect(await reasonOf(encodeData(d))).toBe('malformedProof/ValueOutOfRangeError')
    })
    it('a path one sibling short', async () => {
      const d = data()
      const ch = (d[13] as Data[])[0] as Data[]
      const opening = ch[1] as Data[]
      opening[1] = (opening[1] as Uint8Array).subarray(32)
      expect(await reasonOf(encodeData(d))).toBe('malformedProof/ValueOutOfRangeError')
    })
    it('a parent column missing', async () => {
      const d = data()
      const ch = (d[13] as Data[])[0] as Data[]
      ;(ch[4] as Data[]).pop()
      expect(await reasonOf(encodeData(d))).toBe('malformedProof/ValueOutOfRangeError')
    })
    it('a version it does not speak', async () => {
      const d = data()
      d[0] = 2
      expect(await reasonOf(encodeData(d))).toBe('malformedProof/UnsupportedVersionError')
    })
  })

  describe('rejects against the ledger context', () => {
    it('a replica sealed for another miner, resubmitted as ours → replicaIdMismatch; as is → wrongMiner', async () => {
      const h = await hasher()
      const theirs = memoryStore()
      await writeSectorData(theirs, f.sectorId, f.data)
      const info = await sealSector(h, theirs, { ...f.request, miner: OTHER_MINER })
      const their = await proveSeal(h, theirs, f.sectorId, f.params, seed)
      const c = contextFor(info)
      expect(await check(their, c)).toMatchObject({ ok: false, reason: 'wrongMiner' })
      expect(await check({ ...their, miner: MINER }, c)).toMatchObject({
        ok: false,
        reason: 'replicaIdMismatch',
      })
    })
    it('a ticket older than the lookback → ticketExpired', async () =>
      expect(await check(bytes, contextFor(f.info, { ticketLookback: 5n }))).toMatchObject({
        ok: false,
        reason: 'ticketExpired',
      }))
    it('a ticket from after the pre-commitment → ticketExpired', async () => {
      const c = contextFor(f.info)
      expect(await check(bytes, { ...c, precommit: { ...c.precommit, height: 10n } })).toMatchObject({
        ok: false,
        reason: 'ticketExpired',
      })
    })
    it('a replica id already proven → ticketReused', async () =>
      expect(
        await check(
          bytes,
          contextFor(f.info, { isReplicaKnown: (id) => toHex(id) === toHex(f.info.replicaId) }),
        ),
      ).toMatchObject({ ok: false, reason: 'ticketReused' }))
    it('a ticket that is not the ledger hash at its height → wrongTicket', async () =>
      expect(
        await check(
          bytes,
          contextFor(f.info, { ledgerHash: (h) => (h === 10n ? new Uint8Array(32) : ledger(h)) }),
        ),
      ).toMatchObject({
        ok: false,
        reason: 'wrongTicket',
      }))
    it('a seed height that is not final yet → wrongSeed', async () =>
      expect(await check(bytes, contextFor(f.info, { ledgerHash: fakeLedger(25n) }))).toMatchObject({
        ok: false,
        reason: 'wrongSeed',
      }))
    it('another seed delay (the challenges were taken too early) → wrongSeed', async () =>
      expect(await check(bytes, contextFor(f.info, { seedDelay: 5n }))).toMatchObject({
        ok: false,
        reason: 'wrongSeed',
      }))
    it('a pre-commitment for another sector or commitment → wrongSector / wrongCommitment', async () => {
      const c = contextFor(f.info)
      expect(await check(bytes, { ...c, precommit: { ...c.precommit, sectorNumber: 7n } })).toMatchObject({
        reason: 'wrongSector',
      })
      expect(
        await check(bytes, { ...c, precommit: { ...c.precommit, commR: flip(f.info.commR) } }),
      ).toMatchObject({ reason: 'wrongCommitment' })
    })
  })

  describe('catches a cheating sealer whose commitments are consistent', () => {
    it('labels not computed from their parents (a lazy layer) → wrongLabel', async () => {
      const h = await hasher()
      const store = memoryStore()
      await writeSectorData(store, 'lazy', f.data)
      // Replace layer 2 by zeros once the labels are done, before TreeC and the replica are built.
      const info = await sealSector(
        h,
        store,
        { ...f.request, sectorId: 'lazy' },
        {
          onCheckpoint: async (cp) => {
            if (cp.phase === 'treeC')
              await writeWholeFile(store, sectorPaths('lazy').layer(2), new Uint8Array(f.params.sectorSize))
          },
        },
      )
      const p = await proveSeal(h, store, 'lazy', f.params, seed)
      expect(await check(p, contextFor(info))).toMatchObject({ ok: false, reason: 'wrongLabel', at: 0 })
    })

    it('a replica that is the data itself, committed in a fresh TreeR → wrongEncoding', async () => {
      const h = await hasher()
      const store = memoryStore()
      await writeSectorData(store, 'raw', f.data)
      const info = await sealSector(h, store, { ...f.request, sectorId: 'raw' })
      const paths = sectorPaths('raw')
      const n = f.params.sectorSize / 32
      const tree = new TreeBuilder(h, treeShape(n))
      tree.push(new Uint32Array(f.data.slice().buffer), 0, n)
      const commRLast = tree.finish()
      await writeWholeFile(store, paths.replica, f.data)
      await writeWholeFile(store, paths.treeR, tree.cacheBytes())
      const cheat = { ...info, commRLast, commR: commROf(h, info.commC, commRLast) }
      await writeWholeFile(store, paths.meta, SealedSectorInfoType.encode(cheat))
      const p = await proveSeal(h, store, 'raw', f.params, seed)
      expect(await check(p, contextFor(cheat))).toMatchObject({ ok: false, reason: 'wrongEncoding', at: 0 })
      expect(toHex(await readWholeFile(store, paths.replica))).toBe(toHex(f.data))
    })
  })

  it('never throws on damaged bytes: truncated anywhere, or any single byte changed', async () => {
    const codec = proofCodecs(f.params).sealProof
    for (let i = 1; i < 200; i++) {
      const b = bytes.slice(0, (i * 7919) % bytes.length)
      b[i % b.length]! ^= i
      expect((await check(b)).ok).toBe(false)
      expect(codec.tryDecode(b).ok).toBe(false)
      const whole = bytes.slice()
      whole[(i * 104_729) % whole.length]! ^= 1 + (i % 255)
      expect((await check(whole)).ok, `byte ${(i * 104_729) % whole.length}`).toBe(false)
    }
  })
})
