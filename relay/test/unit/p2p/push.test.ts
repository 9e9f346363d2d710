import { describe, expect, it } from 'vitest'
import { MAX_TX_BYTES } from '../../../../src/core/ledger/index.js'
import { MAX_ENVELOPE_BYTES } from '../../../../src/core/scp/index.js'
import { PUSH_MAX_BYTES, PushMessage } from '../../../src/p2p/messages.js'
import { pushBatches } from '../../../src/p2p/network.js'

const blob = (n: number, fill: number) => new Uint8Array(n).fill(fill)

describe('push requests', () => {
  it('splits a resend into requests that fit the protocol, keeping every item once and in order', () => {
    const envelopes = Array.from({ length: 70 }, (_, i) => blob(i < 9 ? MAX_ENVELOPE_BYTES : 700, i))
    const txs = Array.from({ length: 300 }, (_, i) => blob(i % 20 === 0 ? MAX_TX_BYTES : 300, i % 251))
    const batches = pushBatches({ envelopes, txs })
    // 9 envelopes of 132 KiB need two requests; 300 transactions more than one (256 at most each).
    expect(batches.length).toBeGreaterThanOrEqual(3)
    const back = { envelopes: [] as Uint8Array[], txs: [] as Uint8Array[] }
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(PUSH_MAX_BYTES)
      const m = PushMessage.decode(b)
      expect(m.envelopes.length + m.txs.length).toBeGreaterThan(0)
      back.envelopes.push(...m.envelopes)
      back.txs.push(...m.txs)
    }
    expect(back.envelopes.length).toBe(envelopes.length)
    expect(back.txs.length).toBe(txs.length)
    for (const [i, e] of back.envelopes.entries()) expect(Buffer.from(e).equals(envelopes[i]!)).toBe(true)
    for (const [i, t] of back.txs.entries()) expect(Buffer.from(t).equals(txs[i]!)).toBe(true)
  })

  it('sends nothing for nothing', () => {
    expect(pushBatches({})).toEqual([])
    expect(pushBatches({ envelopes: [], txs: [] })).toEqual([])
  })

  it('refuses a push over its limits with a named error (a peer cannot make us hold more)', () => {
    const empty = PushMessage.encode({ v: 1, envelopes: [], txs: [] })
    expect(PushMessage.decode(empty)).toEqual({ v: 1, envelopes: [], txs: [] })
    expect(() =>
      PushMessage.encode({ v: 1, envelopes: Array.from({ length: 65 }, () => blob(10, 1)), txs: [] }),
    ).toThrow(/65|64|list|envelopes/i)
    expect(() => PushMessage.encode({ v: 1, envelopes: [], txs: [blob(MAX_TX_BYTES + 1, 1)] })).toThrow()
    expect(PushMessage.tryDecode(new Uint8Array([0xa1, 0x01])).ok).toBe(false)
  })
})
