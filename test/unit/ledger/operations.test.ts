import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import { networkIdOf } from '../../../src/core/codec/index.js'
import {
  checkInChallenge,
  TransactionEnvelopeType,
  transactionHash,
  verifyPuzzle,
  watt,
} from '../../../src/core/ledger/index.js'
import { wasmArgon2id } from '../../../src/platform/argon2.js'
import { key, networkId, TestLedger } from '../../helpers/ledger.js'

const alice = key(1)
const bob = key(2)
const carol = key(3)

describe('payments', () => {
  it('moves the amount, charges the fee into the fee pool and bumps the sequence number', async () => {
    const l = new TestLedger()
    const r = await l.close([
      l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: watt(10) }], { fee: 100n }),
    ])
    expect(r.results[0]!.code).toBe('tx_success')
    expect(r.results[0]!.feeCharged).toBe(100n)
    expect(l.balance(alice)).toBe(watt(990) - 100n)
    expect(l.balance(bob)).toBe(watt(1010))
    expect(l.state.pools().feePool).toBe(100n)
    expect(l.state.account(alice.publicKey)!.seq).toBe(1n)
    expect(r.header.totalCoins).toBe(watt(2000))
  })

  it('refuses a replayed transaction with tx_bad_seq and changes nothing', async () => {
    const l = new TestLedger()
    const tx = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: watt(1) }])
    await l.close([tx])
    const before = l.state.headerHash
    const r = await l.close([tx])
    expect(r.results[0]!.code).toBe('tx_bad_seq')
    expect(r.results[0]!.feeCharged).toBe(0n)
    expect(l.balance(bob)).toBe(watt(1001))
    expect(before).not.toEqual(l.state.headerHash)
  })

  it('fails with op_underfunded, still charging the fee and consuming the sequence number', async () => {
    const l = new TestLedger()
    const r = await l.close([
      l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: watt(5000) }], { fee: 7n }),
    ])
    expect(r.results[0]!.code).toBe('tx_failed')
    expect(r.results[0]!.opResults).toEqual(['op_underfunded'])
    expect(l.balance(alice)).toBe(watt(1000) - 7n)
    expect(l.balance(bob)).toBe(watt(1000))
    expect(l.state.account(alice.publicKey)!.seq).toBe(1n)
  })

  it('rolls back every operation of a failed transaction', async () => {
    const l = new TestLedger()
    const r = await l.close([
      l.sign(alice, [
        { type: 'payment', destination: bob.publicKey, amount: watt(1) },
        { type: 'payment', destination: carol.publicKey, amount: watt(1) },
        { type: 'payment', destination: bob.publicKey, amount: watt(2) },
      ]),
    ])
    expect(r.results[0]!.code).toBe('tx_failed')
    expect(r.results[0]!.opResults).toEqual(['op_success', 'op_no_destination', 'op_not_applied'])
    expect(l.balance(bob)).toBe(watt(1000))
    expect(l.balance(alice)).toBe(watt(1000))
  })

  it('refuses a payment to oneself', async () => {
    const l = new TestLedger()
    const r = await l.close([l.sign(alice, [{ type: 'payment', destination: alice.publicKey, amount: 1n }])])
    expect(r.results[0]!.opResults).toEqual(['op_self_payment'])
  })

  it('refuses a transaction signed for another network with tx_bad_auth', async () => {
    const l = new TestLedger()
    const tx = {
      v: 1 as const,
      source: alice.publicKey,
      seq: 1n,
      fee: 0n,
      operations: [{ type: 'payment' as const, destination: bob.publicKey, amount: 1n }],
    }
    const other = networkIdOf('Watt other network')
    const env = {
      tx,
      signatures: [
        {
          publicKey: alice.publicKey,
          signature: nodeEd25519.signSync(alice.seed, transactionHash(other, tx)),
        },
      ],
    }
    const r = await l.close([env])
    expect(r.results[0]!.code).toBe('tx_bad_auth')
    expect(l.balance(bob)).toBe(watt(1000))
  })

  it('refuses a tampered transaction, a wrong signer and an extra signature', async () => {
    const l = new TestLedger()
    const good = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 5n }], { seq: 1n })
    const tampered = { ...good, tx: { ...good.tx, fee: 1n } }
    expect((await l.close([tampered])).results[0]!.code).toBe('tx_bad_auth')
    const wrongSigner = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 5n }], {
      seq: 1n,
      signer: bob,
    })
    expect((await l.close([wrongSigner])).results[0]!.code).toBe('tx_bad_auth')
    const extra = {
      ...good,
      signatures: [
        ...good.signatures,
        {
          publicKey: bob.publicKey,
          signature: nodeEd25519.signSync(
            bob.seed,
            transactionHash(
              l.state.params().networkPassphrase
                ? networkIdOf(l.state.params().networkPassphrase)
                : new Uint8Array(32),
              good.tx,
            ),
          ),
        },
      ],
    }
    expect((await l.close([extra])).results[0]!.code).toBe('tx_bad_auth_extra')
    expect(l.state.account(alice.publicKey)!.seq).toBe(0n)
  })

  it('enforces time bounds', async () => {
    const l = new TestLedger()
    const t = l.closeTime
    const early = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], {
      seq: 1n,
      timeBounds: { minTime: t + 100n, maxTime: 0n },
    })
    expect((await l.close([early])).results[0]!.code).toBe('tx_too_early')
    const late = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], {
      seq: 1n,
      timeBounds: { minTime: 0n, maxTime: t },
    })
    expect((await l.close([late])).results[0]!.code).toBe('tx_too_late')
  })

  it('refuses a transaction from an unknown account and one whose fee exceeds the balance', async () => {
    const l = new TestLedger()
    const ghost = l.sign(carol, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], { seq: 1n })
    expect((await l.close([ghost])).results[0]!.code).toBe('tx_no_account')
    const pricey = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], {
      seq: 1n,
      fee: watt(1001),
    })
    expect((await l.close([pricey])).results[0]!.code).toBe('tx_insufficient_balance')
  })

  it('rejects amounts ≤ 0 and above the supply cap at decoding', () => {
    const l = new TestLedger()
    const tx = l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], { seq: 1n })
    expect(() =>
      TransactionEnvelopeType.encode({
        ...tx,
        tx: { ...tx.tx, operations: [{ type: 'payment', destination: bob.publicKey, amount: 0n }] },
      }),
    ).toThrow(/positive amount/)
    const bytes = TransactionEnvelopeType.encode(tx)
    // Patch the amount (1 → a 9-byte CBOR uint 2^64-1) and check the decoder refuses it.
    const hex = Buffer.from(bytes).toString('hex')
    const bobHex = Buffer.from(bob.publicKey).toString('hex')
    expect(hex).toContain(`5820${bobHex}01`)
    const patched = Buffer.from(hex.replace(`5820${bobHex}01`, `5820${bobHex}1bffffffffffffffff`), 'hex')
    const r = TransactionEnvelopeType.tryDecode(patched)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.name).toBe('ValueOutOfRangeError')
  })
})

describe('account creation', () => {
  it('creates a self-signed account for free with a referrer', async () => {
    const l = new TestLedger()
    const r = await l.close([await l.createAccount(carol, alice)])
    expect(r.results[0]!.code).toBe('tx_success')
    const c = l.state.account(carol.publicKey)!
    expect(c.balance).toBe(0n)
    expect(c.seq).toBe(1n)
    expect(c.referrer).toEqual(alice.publicKey)
    expect(c.index).toBe(3)
    // The new account can transact at sequence number 2.
    const pay = await l.close([l.sign(bob, [{ type: 'payment', destination: carol.publicKey, amount: 3n }])])
    expect(pay.results[0]!.code).toBe('tx_success')
  })

  it('refuses a second creation (replay) and a wrong puzzle, an unknown referrer, a non-sole operation', async () => {
    const l = new TestLedger()
    const create = await l.createAccount(carol)
    await l.close([create])
    expect((await l.close([create])).results[0]!.code).toBe('tx_bad_seq')

    const dave = key(4)
    const op = await l.createAccountOp(dave)
    const wrongNonce = l.sign(dave, [{ ...op, nonce: (op as { nonce: bigint }).nonce + 1n } as typeof op], {
      seq: 1n,
    })
    // A wrong nonce fails unless it happens to meet the (tiny) test difficulty as well.
    const res = (await l.close([wrongNonce])).results[0]!
    if (res.code !== 'tx_success') expect(res.opResults).toEqual(['op_bad_puzzle'])

    const erin = key(5)
    const unknownRef = l.sign(erin, [await l.createAccountOp(erin, key(99))], { seq: 1n })
    expect((await l.close([unknownRef])).results[0]!.opResults).toEqual(['op_no_referrer'])
    const notSole = l.sign(
      erin,
      [await l.createAccountOp(erin), { type: 'setSecurityCircle', members: [] }],
      { seq: 1n },
    )
    expect((await l.close([notSole])).results[0]!.code).toBe('tx_malformed')
  })
})

describe('check-in', () => {
  it('records one check-in per day and refuses the second with op_already_checked_in', async () => {
    const l = new TestLedger()
    const first = await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    expect(first.results[0]!.code).toBe('tx_success')
    const a = l.state.account(alice.publicKey)!
    expect(a.checkIns).toEqual({ total: 1, lastDay: 0n, streak: 1 })
    expect(l.state.day(0n)!.checkIns).toBe(1)
    expect(l.state.pools().everCheckedIn).toBe(1n)
    const second = await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    expect(second.results[0]!.opResults).toEqual(['op_already_checked_in'])
    expect(l.state.account(alice.publicKey)!.checkIns.total).toBe(1)
  })

  it('refuses a check-in for another day with op_wrong_day', async () => {
    const l = new TestLedger()
    const op = await l.checkInOp(alice)
    const r = await l.close([l.sign(alice, [{ ...op, day: 1n } as typeof op])])
    expect(r.results[0]!.opResults).toEqual(['op_wrong_day'])
  })

  it('refuses a puzzle solved for another account', async () => {
    const l = new TestLedger()
    const day = 0n
    const beacon = l.state.day(day)!.beacon
    const params = { memoryKiB: 8, difficultyBits: 1 }
    // Find a nonce that solves Bob's puzzle but not Alice's: the challenge binds the account.
    let nonce = 0n
    for (;;) {
      const bobOk = await verifyPuzzle(
        wasmArgon2id,
        checkInChallenge(networkId, bob.publicKey, day, beacon),
        nonce,
        params,
      )
      const aliceOk = await verifyPuzzle(
        wasmArgon2id,
        checkInChallenge(networkId, alice.publicKey, day, beacon),
        nonce,
        params,
      )
      if (bobOk && !aliceOk) break
      nonce++
    }
    const r = await l.close([l.sign(alice, [{ type: 'checkIn', day, nonce }])])
    expect(r.results[0]!.opResults).toEqual(['op_bad_puzzle'])
    expect((await l.close([l.sign(bob, [{ type: 'checkIn', day, nonce }])])).results[0]!.code).toBe(
      'tx_success',
    )
  })

  it('counts a streak over consecutive days and resets it after a gap', async () => {
    const l = new TestLedger()
    await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    await l.closeDayNow()
    await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    expect(l.state.account(alice.publicKey)!.checkIns.streak).toBe(2)
    await l.closeDayNow()
    await l.closeDayNow()
    await l.close([l.sign(alice, [await l.checkInOp(alice)])])
    expect(l.state.account(alice.publicKey)!.checkIns).toMatchObject({ total: 3, streak: 1, lastDay: 3n })
  })
})

describe('security circle, validator link, key rotation', () => {
  it('validates circle members', async () => {
    const l = new TestLedger()
    const set = (members: Uint8Array[]) => l.sign(alice, [{ type: 'setSecurityCircle', members }])
    expect((await l.close([set([alice.publicKey])])).results[0]!.opResults).toEqual(['op_circle_self'])
    expect((await l.close([set([bob.publicKey, bob.publicKey])])).results[0]!.opResults).toEqual([
      'op_circle_duplicate',
    ])
    expect((await l.close([set([carol.publicKey])])).results[0]!.opResults).toEqual([
      'op_circle_unknown_member',
    ])
    expect((await l.close([set([bob.publicKey])])).results[0]!.code).toBe('tx_success')
    expect(l.state.account(alice.publicKey)!.circle).toEqual([bob.publicKey])
    // Six members cannot even be encoded (nor signed): the codec caps the list at 5.
    expect(() =>
      l.sign(alice, [
        { type: 'setSecurityCircle', members: [1, 2, 3, 4, 5, 6].map((n) => key(n).publicKey) },
      ]),
    ).toThrow(/list/)
  })

  it('links a validator with both signatures, and refuses a bad one or a taken validator', async () => {
    const l = new TestLedger()
    const v = key(500)
    const bad = { ...l.linkValidatorOp(alice, v), validatorSignature: new Uint8Array(64) } as ReturnType<
      TestLedger['linkValidatorOp']
    >
    expect((await l.close([l.sign(alice, [bad])])).results[0]!.opResults).toEqual([
      'op_bad_validator_signature',
    ])
    expect((await l.close([l.sign(alice, [l.linkValidatorOp(alice, v)])])).results[0]!.code).toBe(
      'tx_success',
    )
    expect(l.state.validator(v.publicKey)!.account).toEqual(alice.publicKey)
    expect((await l.close([l.sign(bob, [l.linkValidatorOp(bob, v)])])).results[0]!.opResults).toEqual([
      'op_validator_taken',
    ])
  })

  it('rotates the signing key: the old key no longer signs', async () => {
    const l = new TestLedger()
    const fresh = key(600)
    await l.close([l.sign(alice, [{ type: 'setSigner', signer: fresh.publicKey }])])
    const old = await l.close([l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }])])
    expect(old.results[0]!.code).toBe('tx_bad_auth')
    const ok = await l.close([
      l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: 1n }], {
        signer: fresh,
        seq: 2n,
      }),
    ])
    expect(ok.results[0]!.code).toBe('tx_success')
  })
})
