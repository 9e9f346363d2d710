/**
 * The light client against in-process relays (fixtures.ts): real ledgers, real certificates from four
 * validators' keys, real proofs — and relays that lie. Each lie must raise exactly the alarm the client
 * promises, name the liar, and leave the answer to the honest relay.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import { type Alarm, LightClient, type LightClientInit, memoryStore } from '../../../src/app/light/index.js'
import { toHex } from '../../../src/core/codec/bytes.js'
import { sha256 } from '../../../src/core/codec/hash.js'
import {
  EntryType,
  entryKeyHash,
  LedgerHeaderType,
  readRecord,
  TransactionEnvelopeType,
  TransactionResultType,
  transactionHash,
  watt,
  writeRecord,
} from '../../../src/core/ledger/index.js'
import type { LightResponse as Response } from '../../../src/core/light/index.js'
import { key } from '../../helpers/ledger.js'
import {
  certify,
  FakeNetwork,
  FakeRelay,
  fakeTransport,
  networkId,
  PASSPHRASE,
  payment,
  QSET,
  rootOfProof,
  VALIDATORS,
  validator,
} from './fixtures.js'

const alice = key(1)
const bob = key(2)
const carol = key(3) // no account

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0)) await s()
})

function relaysOf(net: FakeNetwork, n: number): FakeRelay[] {
  return Array.from({ length: n }, (_, i) => new FakeRelay(net, `relay${i}`, VALIDATORS[i % 4]!.id))
}

async function client(relays: FakeRelay[], net: FakeNetwork, extra: Partial<LightClientInit> = {}) {
  const c = new LightClient({
    networkId,
    networkPassphrase: PASSPHRASE,
    relays: relays.map((r) => r.addr),
    storage: memoryStore(),
    ed25519: nodeEd25519,
    transport: fakeTransport(relays),
    // Rounds run when the test says (refresh()); the clock follows the ledger.
    pollIntervalMs: 3_600_000,
    now: () => Number(net.ledger.closeTime) * 1000 + 500,
    ...extra,
  })
  await c.start()
  stops.push(() => c.stop())
  return c
}

const kinds = (alarms: Alarm[]) => alarms.map((a) => a.kind)

async function networkWithLedgers(n = 2): Promise<FakeNetwork> {
  const net = new FakeNetwork()
  for (let i = 0; i < n; i++) await net.close()
  return net
}

/** The balance of `k` as of the network's certified view. */
function certifiedBalance(net: FakeNetwork, k: { publicKey: Uint8Array }): bigint | undefined {
  const e = net.view.prove({ type: 'account', id: k.publicKey })?.entry
  return e?.type === 'account' ? e.balance : undefined
}

/** Rewrite account (and entries) answers: `alice` gets 1,000 WATT more; the proof is left as it was. */
const richerBalance = (_req: unknown, res: Response): Response => {
  if (res.type !== 'account' || !res.entry) return res
  const e = EntryType.decode(res.entry)
  if (e.type !== 'account') return res
  return { ...res, entry: EntryType.encode({ ...e, balance: e.balance + watt(1000) }) }
}

/**
 * A consistent lie: the account gets 1,000 WATT more, the header's state root is recomputed so the
 * proof verifies against it, and the header is "certified" by four validators nobody trusts.
 */
const sybils = [10, 11, 12, 13].map(validator)
const forgedHeader = (_req: unknown, res: Response): Response => {
  if (res.type !== 'account' || !res.entry) return res
  const e = EntryType.decode(res.entry)
  if (e.type !== 'account') return res
  const entry = EntryType.encode({ ...e, balance: e.balance + watt(1000) })
  const valueHash = sha256(entry)
  const keyHash = entryKeyHash({ type: 'account', id: e.signer })
  const proof = { ...res.proof, leaf: { keyHash, valueHash } }
  const header = LedgerHeaderType.decode(res.certified.header)
  const forged = { ...header, stateRoot: rootOfProof(keyHash, valueHash, proof) }
  return { ...res, entry, proof, certified: certify(forged, sybils) }
}

describe('the light client with honest relays', () => {
  it('ranks the validators by PageRank, accepts the newest certified header and verifies a balance', async () => {
    const net = await networkWithLedgers(3)
    const relays = relaysOf(net, 2)
    const c = await client(relays, net)
    const s = c.snapshot()
    expect(s.online).toBe(true)
    expect(s.alarms).toEqual([])
    expect(s.trusted.chosenBy).toBe('pagerank')
    expect(s.trusted.quorumSet).toEqual(QSET)
    expect(s.trusted.explanation?.summary).toMatch(/3 of them sign/)
    expect(s.latest?.seq).toBe(net.view.header!.seq)
    expect(s.latest?.signers).toEqual(QSET.validators)
    expect(s.relays.map((r) => [r.connected, r.latestSeq, r.nodeId])).toEqual([
      [true, net.ledger.state.header.seq, VALIDATORS[0]!.id],
      [true, net.ledger.state.header.seq, VALIDATORS[1]!.id],
    ])

    const a = await c.account(alice.address)
    expect(a.fromCache).toBe(false)
    expect(a.header.seq).toBe(net.view.header!.seq)
    expect(a.account?.balance).toBe(certifiedBalance(net, alice))
    expect((await c.account(carol.address)).account).toBeUndefined()
    expect(c.snapshot().alarms).toEqual([])
    await expect(c.account('Wnot-an-address')).rejects.toMatchObject({ name: 'InvalidInputError' })
  })

  it('gives the mining day’s parameters a check-in needs, from verified entries', async () => {
    const net = await networkWithLedgers(2)
    const c = await client(relaysOf(net, 2), net)
    const d = await c.day()
    const st = net.ledger.state
    const params = st.params()
    const day = net.view.header!.day
    expect(d.day).toBe(day)
    expect(toHex(d.beacon)).toBe(toHex(st.day(day)!.beacon))
    expect(d.endsAt).toBe(params.genesisTime + (day + 1n) * params.dayLength)
    expect(d.puzzle).toEqual({ memoryKiB: 8, checkInDifficulty: 1, createAccountDifficulty: 2 })
    expect(d.fromCache).toBe(false)
    expect(d.everCheckedIn).toBe(st.pools().everCheckedIn)
    expect(d.params.maxOpsPerLedger).toBe(params.maxOpsPerLedger)
  })

  it('follows a payment from pending to applied, verified by an inclusion proof', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const c = await client(relays, net)
    const tx = payment(net, alice, bob, watt(5))
    const sent = await c.submit(tx)
    expect(sent.status).toBe('pending')
    expect(await c.submit(tx)).toMatchObject({ status: 'duplicate' })
    expect(await c.txStatus(sent.hash)).toMatchObject({ status: 'pending', verified: false })
    const closed = await net.close()
    // Applied in the newest ledger, which is not certified until the next one closes.
    expect(await c.txStatus(sent.hash)).toMatchObject({
      status: 'pending',
      claimedApplied: true,
      verified: false,
    })
    await net.close()
    const st = await c.txStatus(sent.hash)
    expect(st).toMatchObject({ status: 'applied', verified: true, ledger: closed.header.seq })
    expect(st.result?.code).toBe('tx_success')
    // A payment the source cannot cover fails, verified too.
    const tooMuch = await c.submit(payment(net, bob, alice, watt(1_000_000)))
    const failedIn = await net.close()
    await net.close()
    expect(await c.txStatus(tooMuch.hash)).toMatchObject({
      status: 'failed',
      verified: true,
      ledger: failedIn.header.seq,
    })
    expect(await c.txStatus(new Uint8Array(32))).toMatchObject({ status: 'unknown', verified: false })
    expect((await c.submit(Uint8Array.of(1, 2, 3))).status).toBe('rejected')
    expect(c.snapshot().alarms).toEqual([])
  })

  it('verifies a payslip against the payout root of a closed day', async () => {
    const net = await networkWithLedgers(1)
    const c = await client(relaysOf(net, 2), net)
    const day = net.ledger.dayAt(net.ledger.closeTime + 1n)
    net.submitted.push(net.ledger.sign(alice, [await net.ledger.checkInOp(alice)]))
    await net.close()
    expect(await c.payslip(alice.address, day)).toBeUndefined() // not closed yet
    await net.closeDay()
    await net.close() // the closing ledger becomes the certified view
    const p = await c.payslip(alice.address, day)
    expect(p?.dayEntry.closed).toBe(true)
    expect(p?.record.account).toEqual(alice.publicKey)
    expect(p?.record.reward).toBeGreaterThan(0n)
    expect(p?.header.seq).toBe(net.view.header!.seq)
    expect(await c.payslip(bob.address, day)).toBeUndefined() // bob did not mine that day
    expect(c.snapshot().alarms).toEqual([])
  })
})

describe('a lying relay is caught and not used', () => {
  it('a forged balance (entry changed, proof unchanged): forged, naming the relay; the honest answer wins', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    relays[1]!.rewrite = richerBalance
    const c = await client(relays, net)
    const a = await c.account(alice.address)
    expect(a.account?.balance).toBe(certifiedBalance(net, alice))
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['forged'])
    expect(alarms[0]!.relays).toEqual([relays[1]!.addr])
    expect(alarms[0]!.message).toMatch(/account .* in ledger \d+: the state proof fails/)
  })

  it('a forged header certified by validators nobody trusts: forged, naming the relay', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const c = await client(relays, net)
    // The liar is asked first and its header is for a height the client has not accepted yet.
    await net.close()
    relays[0]!.rewrite = forgedHeader
    const a = await c.account(alice.address)
    expect(a.account?.balance).toBe(certifiedBalance(net, alice))
    expect(a.header.seq).toBe(net.view.header!.seq)
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['forged'])
    expect(alarms[0]!.relays).toEqual([relays[0]!.addr])
    expect(alarms[0]!.message).toMatch(/differs from the certified/)
  })

  it('a forged header the honest relays do not answer about directly is checked against their certified header', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const c = await client(relays, net)
    await net.close()
    relays[0]!.rewrite = forgedHeader
    // The honest relay cannot answer accounts right now, but serves ledgers.
    relays[1]!.rewrite = (_req, res) =>
      res.type === 'account' ? { type: 'error', code: 'unavailable', message: 'busy' } : res
    await expect(c.account(alice.address)).rejects.toMatchObject({ name: 'UnverifiedError' })
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['forged'])
    expect(alarms[0]!.relays).toEqual([relays[0]!.addr])
    expect(relays[1]!.requests).toContain('ledger')
  })

  it('a header with a changed state root and the real certificate: forged (the signatures certify another header)', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    relays[1]!.rewrite = (_req, res) => {
      if (res.type !== 'account') return res
      const h = LedgerHeaderType.decode(res.certified.header)
      const header = LedgerHeaderType.encode({ ...h, stateRoot: new Uint8Array(32).fill(9) })
      return { ...res, certified: { ...res.certified, header } }
    }
    const c = await client(relays, net)
    expect((await c.account(alice.address)).account?.balance).toBe(certifiedBalance(net, alice))
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['forged'])
    expect(alarms[0]!.message).toMatch(/not the ledger the trusted validators signed/)
    expect(alarms[0]!.relays).toEqual([relays[1]!.addr])
  })

  it('a forged signature of a trusted validator: forged', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    relays[1]!.rewrite = (_req, res) => {
      if (res.type !== 'account') return res
      const h = LedgerHeaderType.decode(res.certified.header)
      const forged = certify({ ...h, stateRoot: new Uint8Array(32).fill(3) }, [
        { ...validator(77), id: VALIDATORS[0]!.id },
        { ...validator(78), id: VALIDATORS[1]!.id },
        { ...validator(79), id: VALIDATORS[2]!.id },
      ])
      return { ...res, certified: forged }
    }
    const c = await client(relays, net)
    expect((await c.account(alice.address)).account?.balance).toBe(certifiedBalance(net, alice))
    expect(c.snapshot().alarms.map((a) => [a.kind, a.relays[0]])).toEqual([['forged', relays[1]!.addr]])
    expect(c.snapshot().alarms[0]!.message).toMatch(/signatures do not verify/)
  })

  it('a forged inclusion proof: forged; the honest relay’s verified result is used', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const c = await client(relays, net)
    const sent = await c.submit(payment(net, alice, bob, watt(1)))
    await net.close()
    await net.close()
    relays[0]!.rewrite = (_req, res) => {
      if (res.type !== 'tx' || !res.result) return res
      const r = TransactionResultType.decode(res.result)
      return { ...res, result: TransactionResultType.encode({ ...r, code: 'tx_failed' }) }
    }
    expect(await c.txStatus(sent.hash)).toMatchObject({ status: 'applied', verified: true })
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['forged'])
    expect(alarms[0]!.relays).toEqual([relays[0]!.addr])
    expect(alarms[0]!.message).toMatch(/inclusion proof fails/)
  })

  it('a forged payslip: forged; the honest payslip is used', async () => {
    const net = await networkWithLedgers(1)
    const relays = relaysOf(net, 2)
    const day = net.ledger.dayAt(net.ledger.closeTime + 1n)
    net.submitted.push(net.ledger.sign(alice, [await net.ledger.checkInOp(alice)]))
    await net.close()
    await net.closeDay()
    await net.close()
    relays[0]!.rewrite = (_req, res) => {
      if (res.type !== 'payslip' || !res.payslip) return res
      const chunk = res.payslip.chunk.slice()
      const r = readRecord(chunk, 0)
      writeRecord(chunk, 0, { ...r, reward: r.reward * 10n })
      return { ...res, payslip: { ...res.payslip, chunk } }
    }
    const c = await client(relays, net)
    const p = await c.payslip(alice.address, day)
    expect(p?.record.reward).toBe(readRecord(net.tables.get(day)!.records, 0).reward)
    expect(p?.record.reward).toBeGreaterThan(0n)
    expect(c.snapshot().alarms.map((a) => [a.kind, a.relays[0]])).toEqual([['forged', relays[0]!.addr]])
  })

  it('an answer that does not decode, or from another network: forged, and the client keeps working', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 3)
    relays[1]!.raw = Uint8Array.of(0x82, 0x01, 0xff)
    relays[2]!.passphrase = 'Another network'
    const c = await client(relays, net)
    expect(c.snapshot().latest?.seq).toBe(net.view.header!.seq)
    const alarms = c.snapshot().alarms
    expect(alarms.map((a) => [a.kind, a.relays[0]]).sort()).toEqual([
      ['forged', relays[1]!.addr],
      ['forged', relays[2]!.addr],
    ])
    expect(alarms.find((a) => a.relays[0] === relays[2]!.addr)!.message).toMatch(/serves another network/)
    expect((await c.account(alice.address)).account?.balance).toBe(certifiedBalance(net, alice))
  })
})

describe('alarms about the network', () => {
  it('too few signatures for the trusted set: no header is accepted and no-quorum is raised, not forged', async () => {
    const net = new FakeNetwork()
    net.signers = VALIDATORS.slice(0, 2) // 2 of 4 sign; the trusted set needs 3
    await net.close()
    await net.close()
    const c = await client(relaysOf(net, 2), net, { trusted: QSET })
    expect(c.snapshot().latest).toBeUndefined()
    await expect(c.account(alice.address)).rejects.toMatchObject({ name: 'UnverifiedError' })
    await c.refresh()
    await c.refresh()
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['no-quorum'])
    expect(alarms[0]!.message).toMatch(/at most 2 trusted signature\(s\) seen on a header; 3 needed/)
    // Once the certificate fills up, the header is accepted and the condition clears.
    net.signers = [...VALIDATORS]
    await net.close()
    await c.refresh()
    expect(c.snapshot().alarms).toEqual([])
    expect(c.snapshot().latest?.seq).toBe(net.view.header!.seq)
  })

  it('two relays with different certified headers at one height: disagreement, naming both', async () => {
    // Two forks of one genesis, each certified by the same (equivocating) validators.
    const a = new FakeNetwork()
    const b = new FakeNetwork()
    await a.close([])
    await b.close([b.ledger.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: watt(1) }])])
    await a.close([])
    await b.close([])
    const relays = [
      new FakeRelay(a, 'relayA', VALIDATORS[0]!.id),
      new FakeRelay(b, 'relayB', VALIDATORS[1]!.id),
    ]
    const c = await client(relays, a, { trusted: QSET })
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['disagreement'])
    expect(alarms[0]!.relays).toEqual([relays[0]!.addr, relays[1]!.addr].sort())
    expect(alarms[0]!.message).toMatch(/two different ledgers \d+ are both certified/)
    c.clearAlarms()
    expect(c.snapshot().alarms).toEqual([])
  })

  it('a certificate where some trusted validators signed this header and others another: disagreement', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 1)
    relays[0]!.rewrite = (_req, res) => {
      if (res.type !== 'status' || !res.certified) return res
      const h = LedgerHeaderType.decode(res.certified.header)
      const other = { ...h, stateRoot: new Uint8Array(32).fill(5) }
      const mine = certify(h, VALIDATORS.slice(0, 2))
      const theirs = certify(other, VALIDATORS.slice(2))
      return {
        ...res,
        certified: { header: mine.header, certificate: [...mine.certificate, ...theirs.certificate] },
      }
    }
    const c = await client(relays, net, { trusted: QSET })
    const alarms = c.snapshot().alarms
    expect(kinds(alarms)).toEqual(['disagreement'])
    expect(alarms[0]!.relays).toEqual([relays[0]!.addr])
    expect(alarms[0]!.message).toMatch(/signed it but .* signed a successor of another header/)
    expect(c.snapshot().latest).toBeUndefined()
  })

  it('an old newest header raises stale', async () => {
    const net = await networkWithLedgers(2)
    let skew = 0
    const c = await client(relaysOf(net, 1), net, { now: () => Number(net.ledger.closeTime) * 1000 + skew })
    expect(c.snapshot().alarms).toEqual([])
    skew = 120_000
    await c.refresh()
    expect(kinds(c.snapshot().alarms)).toEqual(['stale'])
    skew = 0
    await net.close()
    await c.refresh()
    expect(c.snapshot().alarms).toEqual([])
  })

  it('a trusted set the user chose that nobody signs for: no-quorum, then back to PageRank', async () => {
    const net = await networkWithLedgers(2)
    const c = await client(relaysOf(net, 2), net)
    const strangers = { threshold: 1, validators: [validator(50).id], innerSets: [] }
    c.setTrusted(strangers)
    expect(c.snapshot().trusted).toMatchObject({ chosenBy: 'user', quorumSet: strangers })
    await net.close()
    for (let i = 0; i < 3; i++) await c.refresh()
    expect(kinds(c.snapshot().alarms)).toEqual(['no-quorum'])
    await expect(c.account(alice.address)).rejects.toMatchObject({ name: 'UnverifiedError' })
    expect(() => c.setTrusted({ threshold: 2, validators: ['nope'], innerSets: [] })).toThrow(
      expect.objectContaining({ name: 'InvalidInputError' }),
    )
    c.setTrusted(undefined)
    await c.refresh()
    expect(c.snapshot().trusted).toMatchObject({ chosenBy: 'pagerank', quorumSet: QSET })
    expect(c.snapshot().alarms).toEqual([])
    expect((await c.account(alice.address)).account?.balance).toBe(certifiedBalance(net, alice))
  })
})

describe('offline', () => {
  it('serves the last verified state from storage, queues submissions and sends them when a relay is back', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const storage = memoryStore()
    const first = await client(relays, net, { storage })
    const online = await first.account(alice.address)
    const day = await first.day()
    await first.stop()
    stops.length = 0

    for (const r of relays) r.down = true
    const c = await client(relays, net, { storage })
    const s = c.snapshot()
    expect(s.online).toBe(false)
    expect(kinds(s.alarms)).toEqual(['unreachable'])
    expect(s.latest?.seq).toBe(online.header.seq)
    const cached = await c.account(alice.address)
    expect(cached).toMatchObject({ fromCache: true, account: { balance: online.account!.balance } })
    expect(cached.header.seq).toBe(online.header.seq)
    expect(await c.day()).toMatchObject({ fromCache: true, day: day.day })
    await expect(c.account(bob.address)).rejects.toMatchObject({ name: 'OfflineError' })

    const tx = payment(net, alice, bob, watt(2))
    const q = await c.submit(tx)
    expect(q.status).toBe('queued')
    expect(toHex(q.hash)).toBe(toHex(transactionHash(networkId, TransactionEnvelopeType.decode(tx).tx)))
    expect(c.snapshot().pending).toBe(1)
    expect(await c.txStatus(q.hash)).toEqual({ status: 'pending', verified: false, queued: true })

    for (const r of relays) r.down = false
    await c.refresh()
    expect(c.snapshot()).toMatchObject({ online: true, pending: 0, alarms: [] })
    expect(c.snapshot().flushed).toEqual([
      expect.objectContaining({ hash: toHex(q.hash), status: 'pending' }),
    ])
    expect(net.submitted).toHaveLength(1)
    await net.close()
    await net.close()
    expect(await c.txStatus(q.hash)).toMatchObject({ status: 'applied', verified: true })
  })

  it('with no relay and nothing stored, says so by name', async () => {
    const net = await networkWithLedgers(1)
    const relays = relaysOf(net, 2)
    for (const r of relays) r.down = true
    const c = await client(relays, net)
    expect(kinds(c.snapshot().alarms)).toEqual(['unreachable'])
    expect(c.snapshot().alarms[0]!.message).toMatch(/none of the 2 relay\(s\) answered/)
    await expect(c.account(alice.address)).rejects.toMatchObject({ name: 'OfflineError' })
    await expect(c.payslip(alice.address, 0n)).rejects.toMatchObject({ name: 'OfflineError' })
  })

  it('notices a relay that drops and reconnects', async () => {
    const net = await networkWithLedgers(2)
    const relays = relaysOf(net, 2)
    const transport = fakeTransport(relays)
    const seen: boolean[] = []
    const c = await client(relays, net, { transport })
    c.subscribe((s) => seen.push(s.relays[0]!.connected))
    transport.disconnect(relays[0]!.peerId)
    expect(c.snapshot().relays[0]!.connected).toBe(false)
    await c.refresh()
    expect(c.snapshot().relays[0]!.connected).toBe(true)
    expect(seen).toContain(false)
    expect(seen.at(-1)).toBe(true)
  })
})
