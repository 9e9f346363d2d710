/**
 * Random scenarios from a seed, for the property tests and the soak: a topology (flat, tiered or
 * nested), a Byzantine minority the network provably tolerates (checked with the quorum-intersection
 * checker, see `byzantineTolerance`), lossy and duplicating links with jitter, a partition that heals,
 * crashes with restarts. `randomScenario(seed)` is a pure function of the seed.
 */
import type { ByzantineKind } from './byzantine.js'
import type { Partition } from './network.js'
import type { NodeId } from './node.js'
import { Prng } from './prng.js'
import { byzantineTolerance, type Crash, type ScenarioConfig } from './scenario.js'
import { flat, nested, type Topology, tiered } from './topology.js'

export interface RandomScenarioOptions {
  /** Restrict the topology kind. */
  kind?: Topology['kind']
  /** Turn fault families off (all on by default). */
  byzantine?: boolean
  partitions?: boolean
  crashes?: boolean
  loss?: boolean
  /** Slots per scenario: [min, max]. @default [2, 3] */
  slots?: [number, number]
}

export function randomTopology(rng: Prng, kind?: Topology['kind']): Topology {
  const k = kind ?? rng.pick(['flat', 'tiered', 'nested'] as const)
  switch (k) {
    case 'flat':
      return flat(rng.int(4, 10))
    case 'tiered':
      return tiered(rng.int(3, 5), 3)
    case 'nested':
      return nested(rng.int(1, 3), rng.int(2, 3), 3, rng.pick([0, 3]))
    default:
      throw new Error(`randomTopology: expected flat, tiered or nested, got ${k}`)
  }
}

/** Pick up to `want` Byzantine nodes the network tolerates (safe and live), greedily. */
function pickByzantine(rng: Prng, topology: Topology, want: number): Record<NodeId, ByzantineKind> {
  const chosen = new Set<NodeId>()
  for (const candidate of rng.shuffle(topology.nodes)) {
    if (chosen.size >= want) break
    const trial = new Set([...chosen, candidate])
    const t = byzantineTolerance(topology.qsets, trial)
    if (t.safe && t.live) chosen.add(candidate)
  }
  const out: Record<NodeId, ByzantineKind> = {}
  for (const id of chosen) out[id] = rng.chance(0.6) ? 'equivocate' : 'silent'
  return out
}

export function randomScenario(seed: number, options: RandomScenarioOptions = {}): ScenarioConfig {
  const rng = new Prng(seed)
  const topology = randomTopology(rng, options.kind)
  const [minSlots, maxSlots] = options.slots ?? [2, 3]
  const slots = rng.int(minSlots, maxSlots)
  const byzantine =
    options.byzantine !== false && rng.chance(0.5) ? pickByzantine(rng, topology, rng.int(1, 3)) : {}
  const honest = topology.nodes.filter((id) => !(id in byzantine))

  const lossy = options.loss !== false && rng.chance(0.5)
  const links = {
    latencyMs: [rng.int(2, 30), rng.int(40, 200)] as [number, number],
    jitterMs: rng.pick([0, 20, 100, 400]),
    loss: lossy ? rng.pick([0.01, 0.05, 0.1, 0.2]) : 0,
    duplicate: rng.chance(0.4) ? rng.pick([0.02, 0.1]) : 0,
  }
  let faultsUntil = lossy || links.duplicate > 0 ? rng.int(2000, 15000) : 0

  const partitions: Partition[] = []
  if (options.partitions !== false && rng.chance(0.35)) {
    const from = rng.int(0, 6000)
    const to = from + rng.int(1000, 20000)
    const shuffled = rng.shuffle(topology.nodes)
    const cut = rng.int(1, shuffled.length - 1)
    partitions.push({ from, to, groups: [shuffled.slice(0, cut), shuffled.slice(cut)] })
  }

  const crashes: Crash[] = []
  if (options.crashes !== false && rng.chance(0.35)) {
    for (const node of rng.shuffle(honest).slice(0, rng.int(1, 2))) {
      const at = rng.int(0, 8000)
      crashes.push({ node, at, restartAt: at + rng.int(300, 15000) })
    }
  }
  faultsUntil = Math.max(faultsUntil, ...partitions.map((p) => p.to), ...crashes.map((c) => c.restartAt))

  const faults = [
    Object.keys(byzantine).length > 0
      ? `byzantine ${Object.entries(byzantine)
          .map(([id, k]) => `${id}:${k}`)
          .join(',')}`
      : '',
    links.loss > 0 ? `loss ${links.loss}` : '',
    links.duplicate > 0 ? `dup ${links.duplicate}` : '',
    links.jitterMs > 0 ? `jitter ${links.jitterMs}ms` : '',
    partitions.length > 0 ? `partition ${partitions[0]!.from}–${partitions[0]!.to}ms` : '',
    crashes.length > 0 ? `crash ${crashes.map((c) => `${c.node}@${c.at}–${c.restartAt}`).join(',')}` : '',
  ].filter((s) => s !== '')
  return {
    name: `seed ${seed}: ${topology.description}, ${slots} slots${faults.length ? `; ${faults.join('; ')}` : ''}`,
    seed,
    topology,
    slots,
    byzantine,
    links,
    partitions,
    crashes,
    faultsUntil,
    wire: rng.chance(0.1) ? 'bytes' : 'objects',
  }
}
