/**
 * Whole validators (SCP + ledger + queue + catch-up: relay/src/node/validator.ts) in the
 * deterministic simulator: partitions, crashes and restarts, Byzantine validators, and a day close
 * under load, without sockets. Every scenario checks safety (no two nodes closed different ledgers
 * at one sequence number); the relevant ones check liveness.
 */
import { describe, expect, it } from 'vitest'
import { runValidatorScenario } from '../../../src/sim/validator-scenario.js'

// biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
const min = (m: Map<string, bigint>) => [...m.values()].reduce((a, b) => (b < a ? b : a))

describe('validators in the simulator', () => {
  it('close the same ledgers, and replay the same way from the same seed', async () => {
    const a = await runValidatorScenario({ seed: 7, validators: 4, durationMs: 15_000 })
    const b = await runValidatorScenario({ seed: 7, validators: 4, durationMs: 15_000 })
    expect(a.safety).toEqual({ ok: true })
    expect(min(a.heights)).toBeGreaterThanOrEqual(10n)
    expect(a.traceHash).toBe(b.traceHash)
    expect(a.events).toBe(b.events)
  })

  it('stop closing while partitioned 2|2 (no quorum on either side), and resume after the heal', async () => {
    const r = await runValidatorScenario({
      seed: 11,
      validators: 4,
      durationMs: 40_000,
      partitions: [
        {
          from: 5_000,
          to: 20_000,
          groups: [
            [0, 1],
            [2, 3],
          ],
        },
      ],
    })
    expect(r.safety).toEqual({ ok: true })
    const closedDuring = [...r.firstClosedAt.values()].filter((t) => t > 7_000 && t < 20_000)
    expect(closedDuring).toEqual([])
    const after = [...r.firstClosedAt.values()].filter((t) => t > 20_000)
    expect(after.length).toBeGreaterThanOrEqual(5)
  })

  it('keep closing through a crash, and the restarted validator catches up to the same hashes', async () => {
    const r = await runValidatorScenario({
      seed: 3,
      validators: 4,
      durationMs: 40_000,
      crashes: [{ node: 2, at: 6_000, restartAt: 20_000 }],
      load: { accounts: 10, paymentsPerLedger: 3, checkIns: false },
    })
    expect(r.safety).toEqual({ ok: true })
    const hs = [...r.heights.values()]
    expect(Math.min(...hs.map(Number))).toBeGreaterThanOrEqual(Math.max(...hs.map(Number)) - 2)
    expect(r.applied).toBeGreaterThan(20)
  })

  it('tolerate one Byzantine validator flooding garbage and forged statements, or one silent one', async () => {
    for (const kind of ['garbage', 'silent'] as const) {
      const r = await runValidatorScenario({
        seed: 5,
        validators: 4,
        durationMs: 20_000,
        byzantine: [{ node: 1, kind }],
      })
      expect(r.safety).toEqual({ ok: true })
      expect(r.heights.size).toBe(3)
      expect(min(r.heights)).toBeGreaterThanOrEqual(10n)
    }
  })

  it('close mining days under load: payments and check-ins from 40 accounts, identical ledgers everywhere', async () => {
    const r = await runValidatorScenario({
      seed: 21,
      validators: 4,
      durationMs: 50_000,
      dayLength: 15,
      load: { accounts: 40, paymentsPerLedger: 8, checkIns: true },
      links: { latencyMs: [10, 80], jitterMs: 30, loss: 0.02, duplicate: 0.02 },
    })
    expect(r.safety).toEqual({ ok: true })
    expect(r.daysClosed).toBeGreaterThanOrEqual(2)
    expect(r.applied).toBeGreaterThan(r.submitted / 3)
  })
})
