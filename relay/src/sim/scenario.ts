/**
 * Scenarios: a topology, a seed, faults (loss, duplication, reordering, partitions, crashes,
 * Byzantine nodes) and a number of slots; `runScenario` runs one on the virtual clock and checks
 *
 * - safety: no two intact nodes externalize different values for a slot (checked at every
 *   externalization), and
 * - liveness: once every fault is over (`healAt`), every intact node externalizes every slot
 *   within `livenessBoundMs` of virtual time.
 *
 * Intact = every node that is not Byzantine (crashed-and-restarted nodes included). A scenario is
 * only meaningful when the Byzantine set is within the network's tolerance: `byzantineTolerance`
 * decides that with the quorum-intersection checker.
 *
 * Same config (same seed) ⇒ same run ⇒ same `traceHash`.
 */
import { toHex } from '../../../src/core/codec/index.js'
import {
  checkQuorumIntersection,
  type Envelope,
  isQuorumSlice,
  type QuorumSet,
  quorumSetHash,
  type Value,
} from '../../../src/core/scp/index.js'
import { type ByzantineKind, EquivocatingNode, SilentNode } from './byzantine.js'
import { CLEAN_LINKS, type LinkConfig, type Partition, SimNetwork } from './network.js'
import type { NodeId, SimNode } from './node.js'
import { Prng } from './prng.js'
import { Scheduler } from './scheduler.js'
import { type ScpMessage, type ScpNodeConfig, type ScpObserver, ScpSimNode } from './scp-node.js'
import type { Topology } from './topology.js'
import { Trace } from './trace.js'

export interface Crash {
  node: NodeId
  at: number
  restartAt: number
}

export interface ScenarioConfig {
  name?: string
  seed: number
  topology: Topology
  /** Slots to agree on (1..slots). */
  slots: number
  byzantine?: Record<NodeId, ByzantineKind>
  links?: Partial<LinkConfig>
  partitions?: Partition[]
  crashes?: Crash[]
  /** Loss and duplication stop at this time (default: when the last partition or crash ends). */
  faultsUntil?: number
  /** Virtual ms after the heal by which every intact node must have externalized every slot. */
  livenessBoundMs?: number
  slotIntervalMs?: number
  rebroadcastMs?: number
  wire?: 'objects' | 'bytes'
  /** Keep the trace lines (for debugging a seed). */
  keepTrace?: boolean
}

export interface ScenarioResult {
  name: string
  seed: number
  traceHash: string
  /** Virtual time when every fault was over. */
  healAt: number
  /** Virtual time by which liveness had to hold. */
  deadline: number
  /** Virtual time the run stopped (all done, or the deadline). */
  endTime: number
  safety: { ok: boolean; violations: string[] }
  liveness: { ok: boolean; missing: string[] }
  /** node → slot → value (hex), for intact nodes. */
  externalized: Map<NodeId, Map<bigint, string>>
  /** Virtual time each slot was first / last externalized by an intact node. */
  slotTimes: { slot: bigint; first: number; last: number }[]
  stats: {
    events: number
    envelopesEmitted: number
    envelopesEmittedByIntact: number
    sent: number
    delivered: number
    lost: number
    duplicated: number
    partitioned: number
    toDownNode: number
  }
  trace: string[] | undefined
}

/**
 * Deleting the Byzantine nodes from every slice (paper §3.2 "delete"): a node is removed and the
 * threshold of its set drops by one; a set that needs nothing more is always satisfied (so it drops
 * out of its parent, lowering the parent's threshold). A top-level set left needing nothing is
 * written `{1, [self]}`: satisfied by the node alone.
 */
export function deleteNodes(q: QuorumSet, gone: ReadonlySet<NodeId>, self: NodeId): QuorumSet {
  const del = (s: QuorumSet): QuorumSet => {
    let t = s.threshold
    const validators = s.validators.filter((v) => {
      if (gone.has(v)) {
        t--
        return false
      }
      return true
    })
    const innerSets: QuorumSet[] = []
    for (const inner of s.innerSets) {
      const d = del(inner)
      if (d.threshold <= 0) t--
      else innerSets.push(d)
    }
    return { threshold: t, validators, innerSets }
  }
  const d = del(q)
  return d.threshold <= 0 ? { threshold: 1, validators: [self], innerSets: [] } : d
}

/**
 * Can the network tolerate `byzantine`? Safe: the intact nodes enjoy quorum intersection despite the
 * Byzantine ones (the checker, on the network with them deleted). Live: the intact nodes satisfy
 * every intact node's slices, so they can agree without the Byzantine nodes.
 */
export function byzantineTolerance(
  qsets: ReadonlyMap<NodeId, QuorumSet>,
  byzantine: ReadonlySet<NodeId>,
): { safe: boolean; live: boolean } {
  const honest = [...qsets.keys()].filter((id) => !byzantine.has(id))
  const deleted = new Map(honest.map((id) => [id, deleteNodes(qsets.get(id)!, byzantine, id)]))
  const r = checkQuorumIntersection(deleted, { maxSteps: 200_000 })
  const live = honest.length > 0 && honest.every((id) => isQuorumSlice(qsets.get(id)!, honest))
  return { safe: r.intersects === true, live }
}

export function runScenario(config: ScenarioConfig): ScenarioResult {
  const { topology } = config
  const links: LinkConfig = { ...CLEAN_LINKS, ...config.links }
  const partitions = config.partitions ?? []
  const crashes = config.crashes ?? []
  const byzantine = new Map(Object.entries(config.byzantine ?? {}))
  const lastFault = Math.max(0, ...partitions.map((p) => p.to), ...crashes.map((c) => c.restartAt))
  const healAt = Math.max(lastFault, config.faultsUntil ?? lastFault)
  const slotIntervalMs = config.slotIntervalMs ?? 1000
  const livenessBoundMs = config.livenessBoundMs ?? 60_000 + config.slots * 15_000
  const deadline = healAt + livenessBoundMs

  const scheduler = new Scheduler()
  const rng = new Prng(config.seed)
  const trace = new Trace(config.keepTrace ?? false)
  const network = new SimNetwork<ScpMessage>(scheduler, rng, links, trace)
  network.faultsUntil = config.faultsUntil ?? healAt
  for (const p of partitions) network.addPartition(p)

  const qsetsByHash = new Map<string, QuorumSet>()
  for (const q of topology.qsets.values()) qsetsByHash.set(toHex(quorumSetHash(q)), q)

  const intact = topology.nodes.filter((id) => !byzantine.has(id))
  const externalized = new Map<NodeId, Map<bigint, string>>(intact.map((id) => [id, new Map()]))
  const bySlot = new Map<bigint, { value: string; node: NodeId; first: number; last: number }>()
  const violations: string[] = []
  let envelopesEmitted = 0
  let envelopesEmittedByIntact = 0
  let remaining = intact.length * config.slots

  const observer: ScpObserver = {
    externalized(node: NodeId, slot: bigint, value: Value, time: number) {
      const mine = externalized.get(node)
      if (!mine) return // a Byzantine node's own view does not count
      const hex = toHex(value)
      const before = mine.get(slot)
      if (before !== undefined) {
        if (before !== hex) violations.push(`${node} externalized slot ${slot} twice: ${before} then ${hex}`)
        return
      }
      mine.set(slot, hex)
      if (slot >= 1n && slot <= BigInt(config.slots)) remaining--
      const seen = bySlot.get(slot)
      if (seen === undefined) bySlot.set(slot, { value: hex, node, first: time, last: time })
      else {
        seen.last = time
        if (seen.value !== hex) {
          violations.push(
            `slot ${slot}: ${seen.node} externalized ${seen.value} but ${node} externalized ${hex}`,
          )
        }
      }
    },
    emitted(node: NodeId, _e: Envelope) {
      envelopesEmitted++
      if (!byzantine.has(node)) envelopesEmittedByIntact++
    },
  }

  topology.nodes.forEach((id, index) => {
    const nodeConfig: ScpNodeConfig = {
      qset: topology.qsets.get(id)!,
      qsetsByHash,
      index,
      slots: config.slots,
      slotIntervalMs,
      rebroadcastMs: config.rebroadcastMs ?? 1000,
      restartDelayMs: 200,
      wire: config.wire ?? 'objects',
      stateWindow: 4,
    }
    const kind = byzantine.get(id)
    const node: SimNode<ScpMessage> =
      kind === 'silent'
        ? new SilentNode(id)
        : kind === 'equivocate'
          ? new EquivocatingNode(id, nodeConfig, observer)
          : new ScpSimNode(id, nodeConfig, observer)
    network.add(node)
  })
  for (const c of crashes) {
    scheduler.at(c.at, () => network.crash(c.node))
    scheduler.at(c.restartAt, () => network.start(c.node))
  }
  network.startAll()
  scheduler.runUntil(deadline, () => remaining <= 0)

  const missing: string[] = []
  for (const id of intact) {
    const mine = externalized.get(id)!
    for (let s = 1n; s <= BigInt(config.slots); s++) if (!mine.has(s)) missing.push(`${id}:${s}`)
  }
  const slotTimes = [...bySlot.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([slot, v]) => ({ slot, first: v.first, last: v.last }))
  trace.add(`end ${scheduler.now()} ${violations.length} ${missing.length}`)
  return {
    name: config.name ?? `seed ${config.seed}`,
    seed: config.seed,
    traceHash: trace.hex(),
    healAt,
    deadline,
    endTime: scheduler.now(),
    safety: { ok: violations.length === 0, violations },
    liveness: { ok: missing.length === 0, missing },
    externalized,
    slotTimes,
    stats: {
      events: scheduler.executed,
      envelopesEmitted,
      envelopesEmittedByIntact,
      ...network.stats,
    },
    trace: trace.lines,
  }
}
