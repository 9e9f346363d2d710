import { describe, expect, it } from 'vitest'
import {
  type Attestation,
  makePayslip,
  PayslipType,
  proveEntry,
  rewardRate,
  verifyEntryProof,
  verifyPayslip,
  watt,
} from '../../../src/core/ledger/index.js'
import { genesisConfig, type Key, key, TestLedger } from '../../helpers/ledger.js'

const alice = key(1)
const bob = key(2)
const carol = key(3)
const dave = key(4)
const PER_POINT = rewardRate(0n) / 20n // 16 WATT per unit weight = 8,000,000 units per point

function attestation(v: Key): Attestation {
  return {
    validator: v.publicKey,
    commitCounter: 1,
    nH: 1,
    quorumSetHash: new Uint8Array(32),
    signature: new Uint8Array(64),
  }
}

describe('the daily close', () => {
  it('r(N) is 16 WATT below 10⁴ miners and halves at every tenfold', () => {
    expect(rewardRate(0n)).toBe(watt(16))
    expect(rewardRate(9_999n)).toBe(watt(16))
    expect(rewardRate(10_000n)).toBe(watt(8))
    expect(rewardRate(99_999n)).toBe(watt(8))
    expect(rewardRate(100_000n)).toBe(watt(4))
    expect(rewardRate(1_000_000_000n)).toBe(watt(16) / 2n ** 6n)
  })

  it('pays pioneers and circle bonuses by weight, shares the fee pool, keeps the remainders, and proves each payslip', async () => {
    const l = new TestLedger(genesisConfig({ sweep: 1 }))
    await l.close([await l.createAccount(carol, alice), await l.createAccount(dave)])
    // alice trusts bob, carol and dave; bob trusts alice; carol trusts nobody.
    await l.close([
      l.sign(
        alice,
        [{ type: 'setSecurityCircle', members: [bob.publicKey, carol.publicKey, dave.publicKey] }],
        { fee: 1000n },
      ),
      l.sign(bob, [{ type: 'setSecurityCircle', members: [alice.publicKey] }]),
    ])
    await l.close([
      l.sign(alice, [await l.checkInOp(alice)]),
      l.sign(bob, [await l.checkInOp(bob)]),
      l.sign(carol, [await l.checkInOp(carol)]),
    ])
    const pendingBefore = l.state.pools().pendingPayouts
    expect(pendingBefore).toBe(0n)
    const close = await l.closeDayNow()
    const day0 = l.state.day(0n)!
    // alice: 20 + 2 circle members active (bob, carol) × 4 = 28; bob: 20 + 4 = 24; carol: 20. Dave did not check in.
    expect(day0.totalPoints).toBe(72n)
    expect(day0.rewardPerPoint).toBe(PER_POINT)
    expect(day0.minted).toBe(72n * PER_POINT)
    expect(day0.feePerPoint).toBe(1000n / 72n) // 13
    expect(day0.feesPaid).toBe(72n * 13n)
    expect(l.state.pools().feePool).toBe(1000n - 72n * 13n) // the remainder stays in the fee pool
    expect(day0.payoutCount).toBe(3)
    expect(close.header.payoutRoot).toEqual(day0.payoutRoot)

    // Alice's payslip, as a phone checks it against the certified header.
    const table = l.state.payoutTables.get(0n)!
    const slip = makePayslip(table, l.state.account(alice.publicKey)!.index)!
    const back = PayslipType.decode(PayslipType.encode(slip))
    const check = verifyPayslip(close.header.payoutRoot!, alice.publicKey, back)
    expect(check.ok).toBe(true)
    if (check.ok) {
      expect(check.record).toMatchObject({
        circle: 2,
        referrals: 0,
        node: false,
        points: 28,
        reward: 28n * PER_POINT,
        feeShare: 28n * 13n,
      })
    }
    // A payslip for another account, or with a tampered chunk, fails.
    expect(verifyPayslip(close.header.payoutRoot!, dave.publicKey, back).ok).toBe(false)
    const tampered = { ...back, chunk: back.chunk.slice() }
    tampered.chunk[45]! ^= 1
    expect(verifyPayslip(close.header.payoutRoot!, alice.publicKey, tampered)).toMatchObject({ ok: false })

    // Lazy credit: with a sweep of one line per ledger, the rest waits until touched or swept.
    const settledNow = [alice, bob, carol].filter(
      (k) => l.state.account(k.publicKey)!.unsettledDay === undefined,
    )
    expect(settledNow).toHaveLength(1)
    // Touching Bob (a payment to him) credits his line at once.
    await l.close([l.sign(dave, [{ type: 'setSecurityCircle', members: [] }])])
    await l.close([l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }])])
    expect(l.state.account(bob.publicKey)!.unsettledDay).toBeUndefined()
    for (let i = 0; i < 3; i++) await l.close()
    expect(l.balance(alice)).toBe(watt(1000) - 1000n - 1n + 28n * (PER_POINT + 13n))
    expect(l.balance(bob)).toBe(watt(1000) + 1n + 24n * (PER_POINT + 13n))
    expect(l.balance(carol)).toBe(20n * (PER_POINT + 13n))
    expect(l.state.pools().pendingPayouts).toBe(0n)
    expect(l.state.payoutTables.size).toBe(0)
  })

  it('gives the ambassador bonus only for invitees with at least 7 check-ins who checked in that day', async () => {
    const l = new TestLedger()
    await l.close([await l.createAccount(carol, alice), await l.createAccount(dave, alice)])
    for (let d = 0; d < 7; d++) {
      const txs = [l.sign(alice, [await l.checkInOp(alice)]), l.sign(carol, [await l.checkInOp(carol)])]
      if (d === 6) txs.push(l.sign(dave, [await l.checkInOp(dave)]))
      await l.close(txs)
      await l.closeDayNow()
      const closed = l.state.day(BigInt(d))!
      // Carol reaches 7 check-ins on day 6; Dave has only 1.
      const alicePoints = d === 6 ? 25n : 20n
      expect(closed.totalPoints).toBe(alicePoints + 20n + (d === 6 ? 20n : 0n))
    }
  })

  it('gives the node bonus when the linked validator attested at least 80% of the day’s ledgers', async () => {
    const l = new TestLedger()
    const v = key(700)
    await l.close([l.sign(alice, [l.linkValidatorOp(alice, v)])])
    await l.closeDayNow() // day 1 starts
    await l.close([l.sign(alice, [await l.checkInOp(alice)]), l.sign(bob, [await l.checkInOp(bob)])], 1n, {
      attestations: [attestation(v)],
    })
    // Day 1 has ledgers L1 (first, above), L2..L5; the attestations in L2..L5 certify L1..L4, the next
    // day's first ledger certifies L5. Attest 4 of the 5: exactly 80%.
    for (let i = 0; i < 3; i++) await l.close([], 1n, { attestations: [attestation(v)] })
    const day1 = l.state.day(1n)!
    expect(day1.ledgers).toBe(5)
    await l.closeDayNow() // no attestation for L5
    const closed = l.state.day(1n)!
    expect(closed.validatorSignatures).toEqual([{ validator: v.publicKey, count: 4 }])
    expect(closed.totalPoints).toBe(40n + 20n) // alice 20 + 20 node bonus, bob 20
  })

  it('does not give the node bonus below 80%', async () => {
    const l = new TestLedger()
    const v = key(701)
    await l.close([l.sign(alice, [l.linkValidatorOp(alice, v)])])
    await l.closeDayNow()
    await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    for (let i = 0; i < 4; i++) await l.close([], 1n, { attestations: i < 2 ? [attestation(v)] : [] })
    await l.closeDayNow()
    expect(l.state.day(1n)!.totalPoints).toBe(20n)
  })

  it('releases the team reserve linearly by mining day', async () => {
    const l = new TestLedger()
    const team = key(0)
    await l.closeDayNow()
    const perDay = (1_000_000_000n * 10_000_000n) / 1461n
    expect(l.balance(team)).toBe(perDay)
    await l.closeDayNow()
    expect(l.balance(team)).toBe((1_000_000_000n * 10_000_000n * 2n) / 1461n)
    expect(l.state.pools().teamLocked).toBe(
      1_000_000_000n * 10_000_000n - (1_000_000_000n * 10_000_000n * 2n) / 1461n,
    )
  })

  it('closes the days the network missed when ledgers resume after a gap', async () => {
    const l = new TestLedger()
    await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    await l.close([], 350n) // from day 0 straight to day 3
    expect(l.state.day(0n)!.closed).toBe(true)
    expect(l.state.day(1n)!.closed).toBe(true)
    expect(l.state.day(2n)!.closed).toBe(true)
    expect(l.state.day(3n)!.closed).toBe(false)
    expect(l.state.day(0n)!.totalPoints).toBe(20n)
    expect(l.state.day(2n)!.beacon).toEqual(l.state.day(1n)!.beacon)
  })

  it('mints no more than the phase-1 pool holds: the last day takes what is left, exactly', async () => {
    // Allocate all but 1,000 units of the phase-1 pool to test accounts.
    const l = new TestLedger(
      genesisConfig({
        allocations: [
          { n: 1, amount: '5999999998.9999' },
          { n: 2, amount: '1' },
        ],
      }),
    )
    const pool = l.state.pools().phase1
    expect(pool).toBe(1000n)
    await l.close([
      l.sign(alice, [await l.checkInOp(alice)]),
      l.sign(bob, [await l.checkInOp(bob)]),
      await l.createAccount(carol),
    ])
    await l.close([l.sign(carol, [await l.checkInOp(carol)])])
    await l.closeDayNow()
    const day = l.state.day(0n)!
    expect(day.totalPoints).toBe(60n)
    expect(day.rewardPerPoint).toBe(pool / 60n)
    expect(l.state.pools().phase1).toBe(pool % 60n)
  })

  it('proves balances and absences against the state root', async () => {
    const l = new TestLedger()
    const r = await l.close([l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 5n }])])
    const p = proveEntry(l.state, { type: 'account', id: bob.publicKey })
    expect(verifyEntryProof(r.header.stateRoot, p)).toEqual({ ok: true })
    expect(p.entry && p.entry.type === 'account' && p.entry.balance).toBe(watt(1000) + 5n)
    const forged = {
      ...p,
      entry: { ...(p.entry as Extract<typeof p.entry, { type: 'account' }>), balance: watt(9999) },
    }
    expect(verifyEntryProof(r.header.stateRoot, forged).ok).toBe(false)
    const absent = proveEntry(l.state, { type: 'account', id: dave.publicKey })
    expect(absent.entry).toBeUndefined()
    expect(verifyEntryProof(r.header.stateRoot, absent)).toEqual({ ok: true })
    // An absence proof cannot hide an existing account.
    expect(verifyEntryProof(r.header.stateRoot, { ...p, entry: undefined }).ok).toBe(false)
  })
})
