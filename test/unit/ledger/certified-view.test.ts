import { describe, expect, it } from 'vitest'
import { CertifiedView, verifyEntryProof, watt } from '../../../src/core/ledger/index.js'
import { key, TestLedger } from '../../helpers/ledger.js'

const alice = key(1)
const bob = key(2)

describe('the certified view (the ledger before the last, for light clients)', () => {
  it('trails the live state by one ledger and proves entries against that ledger’s state root', async () => {
    const l = new TestLedger()
    const view = new CertifiedView(l.state)
    expect(view.prove({ type: 'account', id: bob.publicKey })).toBeUndefined()
    const balances: bigint[] = []
    for (let i = 1; i <= 4; i++) {
      const r = await l.close([
        l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: BigInt(i) }]),
      ])
      balances.push(l.balance(bob)!)
      view.advance(r.diff)
      expect(view.header!.seq).toBe(r.header.seq - 1n)
      expect(view.root()).toEqual(view.header!.stateRoot)
      const p = view.prove({ type: 'account', id: bob.publicKey })!
      expect(
        verifyEntryProof(view.header!.stateRoot, { key: { type: 'account', id: bob.publicKey }, ...p }),
      ).toEqual({ ok: true })
      const expected = i === 1 ? watt(1000) : balances[i - 2]!
      expect(p.entry?.type === 'account' && p.entry.balance).toBe(expected)
    }
  })
})
