/**
 * SCP soak: thousands of seeded simulator scenarios (flat, tiered and nested topologies; loss,
 * duplication, jitter, partitions that heal, crashes with restart, Byzantine minorities within the
 * tolerance the quorum-intersection checker proves) checking safety and liveness on every one.
 *
 *   npm run test:soak                                   # 10,000 scenarios, seeds 1..10000
 *   SCP_SOAK_SEEDS=50000 SCP_SOAK_FROM=10001 npm run test:soak
 *
 * A failing seed replays exactly: `runScenario(randomScenario(seed))` (see docs/scp.md §Simulator).
 */
import { describe, expect, it } from 'vitest'
import { randomScenario, runScenario } from '../../relay/src/sim/index.js'

const COUNT = Number(process.env.SCP_SOAK_SEEDS ?? 10_000)
const FROM = Number(process.env.SCP_SOAK_FROM ?? 1)

describe('SCP soak', () => {
  it(`${COUNT} seeded scenarios are safe and live`, () => {
    const started = performance.now()
    const failures: string[] = []
    const kinds: Record<string, number> = {}
    const faults: Record<string, number> = {
      byzantine: 0,
      equivocate: 0,
      silent: 0,
      loss: 0,
      partition: 0,
      crash: 0,
    }
    let nodes = 0
    let events = 0
    let maxRecovery = 0
    let ran = 0
    for (let seed = FROM; seed < FROM + COUNT; seed++) {
      const config = randomScenario(seed)
      let result: ReturnType<typeof runScenario>
      try {
        result = runScenario(config)
      } catch (err) {
        failures.push(`${config.name}: threw ${(err as Error).message}`)
        continue
      }
      ran++
      kinds[config.topology.kind] = (kinds[config.topology.kind] ?? 0) + 1
      nodes += config.topology.nodes.length
      events += result.stats.events
      const byz = Object.values(config.byzantine ?? {})
      if (byz.length > 0) faults.byzantine!++
      for (const k of byz) faults[k]!++
      if ((config.links?.loss ?? 0) > 0) faults.loss!++
      if ((config.partitions ?? []).length > 0) faults.partition!++
      if ((config.crashes ?? []).length > 0) faults.crash!++
      const lastExternalize = Math.max(0, ...result.slotTimes.map((t) => t.last))
      maxRecovery = Math.max(maxRecovery, lastExternalize - result.healAt)
      if (!result.safety.ok) failures.push(`${config.name}: SAFETY ${result.safety.violations.join('; ')}`)
      if (!result.liveness.ok) {
        failures.push(`${config.name}: LIVENESS missing ${result.liveness.missing.slice(0, 8).join(', ')}`)
      }
    }
    const seconds = (performance.now() - started) / 1000
    console.log(
      [
        `SCP soak: ${ran} scenarios run (seeds ${FROM}..${FROM + COUNT - 1}) in ${seconds.toFixed(1)} s, ${failures.length} failed`,
        `  topologies: ${Object.entries(kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}; ${(nodes / Math.max(1, ran)).toFixed(1)} nodes on average`,
        `  faults: ${Object.entries(faults)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
        `  ${events} simulator events; slowest recovery: last externalization ${(maxRecovery / 1000).toFixed(1)} s of virtual time after the heal`,
        ...failures.slice(0, 20).map((f) => `  FAIL ${f}`),
      ].join('\n'),
    )
    expect(ran).toBe(COUNT)
    expect(failures).toEqual([])
  })
})
