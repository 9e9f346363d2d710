import { describe, expect, it } from 'vitest'
import {
  combineCandidates,
  type LedgerValue,
  prepare,
  proveResult,
  validateTransactionSet,
  validateValueShape,
  verifyResultProof,
  watt,
} from '../../../src/core/ledger/index.js'
import { genesisConfig, key, networkId, TestLedger } from '../../helpers/ledger.js'

const alice = key(1)
const bob = key(2)
const pay = (amount = 1n) => ({ type: 'payment' as const, destination: bob.publicKey, amount })

describe('surge pricing', () => {
  it('takes the highest fee per operation first when more operations wait than fit', async () => {
    const accounts = Array.from({ length: 6 }, (_, i) => key(10 + i))
    const l = new TestLedger(
      genesisConfig({
        maxOps: 4,
        allocations: [{ n: 2, amount: '1' }, ...accounts.map((_, i) => ({ n: 10 + i, amount: '100' }))],
      }),
    )
    const txs = accounts.map((k, i) => l.sign(k, [pay()], { fee: BigInt(10 * (i + 1)) })) // fees 10..60
    // One transaction with 2 ops at fee 100: 50 per op.
    const big = l.sign(key(10), [pay(), pay()], { fee: 100n, seq: 1n })
    const { built, results } = await l.closeBuilt([...txs.slice(1), big])
    // Rates: 20,30,40,50,60 (one op each) and 50 per op (two ops). Fits 4 ops: 60, then the 50s.
    const fees = built.included.map((t) => t.envelope.tx.fee).sort((a, b) => Number(a - b))
    expect(built.included.reduce((n, t) => n + t.envelope.tx.operations.length, 0)).toBeLessThanOrEqual(4)
    expect(fees).toContain(60n)
    expect(built.excluded.map((e) => e.tx.envelope.tx.fee)).toContain(20n)
    expect(built.excluded.every((e) => /surge|tx_/.test(e.reason))).toBe(true)
    expect(results.every((r) => r.code === 'tx_success')).toBe(true)
  })

  it('includes a chain of transactions from one source in sequence order and skips a gap', async () => {
    const l = new TestLedger()
    const t1 = l.sign(alice, [pay()], { seq: 1n })
    const t2 = l.sign(alice, [pay()], { seq: 2n })
    const t4 = l.sign(alice, [pay()], { seq: 4n })
    const { built, results } = await l.closeBuilt([t4, t2, t1])
    expect(built.included.map((t) => t.envelope.tx.seq)).toEqual([1n, 2n])
    expect(built.excluded[0]!.reason).toMatch(/tx_bad_seq/)
    expect(results.map((r) => r.code)).toEqual(['tx_success', 'tx_success'])
    expect(l.state.account(alice.publicKey)!.seq).toBe(2n)
  })

  it('builds the same set from the same candidates in any order', async () => {
    const l = new TestLedger()
    const txs = [
      l.sign(alice, [pay()], { fee: 5n }),
      l.sign(bob, [{ type: 'payment', destination: alice.publicKey, amount: 2n }], { fee: 5n }),
    ]
    const passed = await l.checks(txs)
    const env = l.env(l.closeTime + 1n, passed)
    const { buildTransactionSet } = await import('../../../src/core/ledger/txset.js')
    const a = buildTransactionSet(
      l.state,
      txs.map((t) => prepare(networkId, t)),
      env,
      l.state.headerHash,
    )
    const b = buildTransactionSet(
      l.state,
      [...txs].reverse().map((t) => prepare(networkId, t)),
      env,
      l.state.headerHash,
    )
    expect(a.set).toEqual(b.set)
    expect(
      validateTransactionSet(l.state, a.set, env, { header: l.state.header, hash: l.state.headerHash }),
    ).toMatchObject({
      ok: true,
      ops: 2,
      fees: 10n,
    })
    const unsorted = { ...a.set, txs: [...a.set.txs].reverse() }
    expect(
      validateTransactionSet(l.state, unsorted, env, { header: l.state.header, hash: l.state.headerHash }),
    ).toMatchObject({ ok: false })
  })
})

describe('the SCP value', () => {
  const value = (l: TestLedger, over: Partial<LedgerValue> = {}): LedgerValue => ({
    v: 1,
    txSetHash: new Uint8Array(32),
    closeTime: l.closeTime + 5n,
    previousLedgerHash: l.state.headerHash,
    upgrades: [],
    ...over,
  })

  it('accepts a close time after the last one and within the drift, and nothing else', () => {
    const l = new TestLedger()
    const now = l.closeTime + 5n
    const check = (v: LedgerValue) =>
      validateValueShape(v, l.state, l.state.headerHash, l.closeTime, now).level
    expect(check(value(l))).toBe('fullyValidated')
    expect(check(value(l, { closeTime: l.closeTime }))).toBe('invalid')
    expect(check(value(l, { closeTime: now + 61n }))).toBe('invalid')
    expect(check(value(l, { previousLedgerHash: new Uint8Array(32).fill(1) }))).toBe('maybeValid')
    expect(check(value(l, { upgrades: [{ param: 'maxOpsPerLedger', value: 0n }] }))).toBe('invalid')
    expect(check(value(l, { upgrades: [{ param: 'maxOpsPerLedger', value: 2000n }] }))).toBe('fullyValidated')
  })

  it('combines candidates like stellar-core: most operations, then fees; the close time travels with the set; upgrades take the max', () => {
    const l = new TestLedger()
    const h = (n: number) => new Uint8Array(32).fill(n)
    const info = new Map([
      [1, { ops: 3, fees: 0n }],
      [2, { ops: 5, fees: 0n }],
      [3, { ops: 5, fees: 9n }],
    ])
    const vs = [
      value(l, { txSetHash: h(1), closeTime: 100n, upgrades: [{ param: 'maxOpsPerLedger', value: 2000n }] }),
      value(l, { txSetHash: h(2), closeTime: 200n }),
      value(l, { txSetHash: h(3), closeTime: 150n, upgrades: [{ param: 'maxOpsPerLedger', value: 1500n }] }),
    ]
    const c = combineCandidates(
      vs,
      (x) => info.get(x[0]!),
      (v) => v.txSetHash,
    )!
    expect(c.txSetHash).toEqual(h(3))
    expect(c.closeTime).toBe(150n)
    expect(c.upgrades).toEqual([{ param: 'maxOpsPerLedger', value: 2000n }])
    expect(
      combineCandidates(
        [],
        () => undefined,
        (v) => v.txSetHash,
      ),
    ).toBeUndefined()
  })

  it('applies an upgrade at the close', async () => {
    const l = new TestLedger()
    await l.close([], 1n, { upgrades: [{ param: 'maxOpsPerLedger', value: 77n }] })
    expect(l.state.params().maxOpsPerLedger).toBe(77)
  })
})

describe('results', () => {
  it('proves a transaction result against the header’s results root', async () => {
    const l = new TestLedger()
    const r = await l.close([
      l.sign(alice, [pay(3n)]),
      l.sign(bob, [{ type: 'payment', destination: alice.publicKey, amount: watt(5000) }]),
    ])
    expect(r.results).toHaveLength(2)
    r.results.forEach((res, i) => {
      expect(
        verifyResultProof(r.header.resultsRoot, i, r.results.length, res, proveResult(r.results, i)),
      ).toEqual({ ok: true })
    })
    const forged = { ...r.results[0]!, code: 'tx_success' as const, opResults: ['op_success' as const] }
    const failedIdx = r.results.findIndex((x) => x.code === 'tx_failed')
    expect(
      verifyResultProof(
        r.header.resultsRoot,
        failedIdx,
        2,
        { ...forged, txHash: r.results[failedIdx]!.txHash },
        proveResult(r.results, failedIdx),
      ).ok,
    ).toBe(false)
  })
})
