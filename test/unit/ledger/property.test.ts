/**
 * Property: random streams of transactions — valid and invalid — applied by two independent
 * appliers give the same header hashes at every ledger, and every ledger passes the full invariant
 * suite (closeLedger runs it with checkInvariants: conservation, supply, no negative, sequence numbers).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/core/codec/bytes.js'
import type { Operation, TransactionEnvelope } from '../../../src/core/ledger/index.js'
import { genesisConfig, key, TestLedger } from '../../helpers/ledger.js'

const people = [1, 2, 3, 4, 5, 6].map(key)

const intent = fc.oneof(
  fc.record({
    kind: fc.constant('pay' as const),
    from: fc.nat(5),
    to: fc.nat(5),
    amount: fc.bigInt({ min: 1n, max: 3_000_000_000_000n }),
    fee: fc.bigInt({ min: 0n, max: 5000n }),
  }),
  fc.record({ kind: fc.constant('checkIn' as const), who: fc.nat(5), wrongDay: fc.boolean() }),
  fc.record({
    kind: fc.constant('create' as const),
    who: fc.nat(5),
    ref: fc.option(fc.nat(5), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('circle' as const),
    who: fc.nat(5),
    members: fc.array(fc.nat(5), { maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('badSeq' as const), who: fc.nat(5) }),
  fc.record({ kind: fc.constant('badSig' as const), who: fc.nat(5) }),
)
const ledgerPlan = fc.record({
  step: fc.oneof(fc.constant(1n), fc.constant(7n), fc.constant(60n), fc.constant(130n)),
  intents: fc.array(intent, { maxLength: 6 }),
})

type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never

async function realize(l: TestLedger, i: Intent): Promise<TransactionEnvelope> {
  switch (i.kind) {
    case 'pay':
      return l.sign(
        people[i.from]!,
        [{ type: 'payment', destination: people[i.to]!.publicKey, amount: i.amount }],
        { fee: i.fee },
      )
    case 'checkIn': {
      const op = (await l.checkInOp(people[i.who]!)) as Extract<Operation, { type: 'checkIn' }>
      return l.sign(people[i.who]!, [i.wrongDay ? { ...op, day: op.day + 1n } : op])
    }
    case 'create':
      return l.sign(
        people[i.who]!,
        [await l.createAccountOp(people[i.who]!, i.ref === undefined ? undefined : people[i.ref])],
        { seq: 1n },
      )
    case 'circle':
      return l.sign(people[i.who]!, [
        { type: 'setSecurityCircle', members: i.members.map((m) => people[m]!.publicKey) },
      ])
    case 'badSeq':
      return l.sign(people[i.who]!, [{ type: 'setSecurityCircle', members: [] }], { seq: 99n })
    case 'badSig': {
      const t = l.sign(people[i.who]!, [{ type: 'setSecurityCircle', members: [] }])
      return {
        ...t,
        signatures: [
          { ...t.signatures[0]!, signature: t.signatures[0]!.signature.map((b, j) => (j === 0 ? b ^ 1 : b)) },
        ],
      }
    }
  }
}

describe('ledger determinism and invariants under random transaction streams', () => {
  const codes = new Map<string, number>()
  it('two appliers agree on every header and every ledger keeps the invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ledgerPlan, { minLength: 3, maxLength: 8 }), async (plan) => {
        const cfg = genesisConfig({ allocations: [1, 2, 3].map((n) => ({ n, amount: '500' })), sweep: 1 })
        const a = new TestLedger(cfg)
        const b = new TestLedger(cfg)
        for (const p of plan) {
          const txs: TransactionEnvelope[] = []
          for (const i of p.intents) {
            const t = await realize(a, i)
            if (t) txs.push(t)
          }
          // Duplicate transactions cannot appear twice in a canonical set: keep the first of each.
          const seen = new Set<string>()
          const unique = txs.filter((t) => {
            const k = toHex(t.signatures[0]!.signature)
            if (seen.has(k)) return false
            seen.add(k)
            return true
          })
          const ra = await a.close(unique, p.step)
          const rb = await b.close(unique, p.step)
          expect(toHex(ra.headerHash)).toBe(toHex(rb.headerHash))
          expect(ra.results.map((r) => r.code)).toEqual(rb.results.map((r) => r.code))
          for (const r of ra.results)
            codes.set(r.code + (r.opResults[0] ?? ''), (codes.get(r.code + (r.opResults[0] ?? '')) ?? 0) + 1)
        }
      }),
      { numRuns: 25 },
    )
    // The streams must exercise both sides of the rules, or the property proves little.
    const seen = [...codes.keys()].join(' ')
    for (const c of [
      'tx_successop_success',
      'tx_bad_seq',
      'tx_bad_auth',
      'tx_failedop_underfunded',
      'tx_failedop_wrong_day',
    ]) {
      expect(seen).toContain(c)
    }
  }, 120_000)
})
