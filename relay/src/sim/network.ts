/**
 * The simulated network: nodes, per-link latency, jitter (reordering), loss, duplication,
 * partitions that heal, and crash/restart. Every random decision comes from the scenario's PRNG and
 * every delivery is an event on the virtual clock, so a run replays exactly.
 */
import type { NodeId, SimContext, SimNode, TimerHandle } from './node.js'
import type { Prng } from './prng.js'
import type { ScheduledEvent, Scheduler } from './scheduler.js'
import type { Trace } from './trace.js'

export interface LinkConfig {
  /** Base one-way latency of each link is drawn once, uniformly from this range (ms). */
  latencyMs: [number, number]
  /** Extra random delay per message (ms): messages on a link can overtake each other. */
  jitterMs: number
  /** Probability that a message is lost. */
  loss: number
  /** Probability that a message is delivered twice. */
  duplicate: number
}

export const CLEAN_LINKS: LinkConfig = { latencyMs: [10, 60], jitterMs: 0, loss: 0, duplicate: 0 }

export interface Partition {
  /** Virtual time the partition starts and heals. */
  from: number
  to: number
  /** Nodes in different groups cannot reach each other; nodes in no group reach everyone. */
  groups: NodeId[][]
}

export interface NetworkStats {
  sent: number
  delivered: number
  lost: number
  duplicated: number
  partitioned: number
  toDownNode: number
}

interface NodeSlot<M> {
  node: SimNode<M>
  index: number
  up: boolean
  storage: Map<string, unknown>
  timers: Map<number, ScheduledEvent>
  life: number
  rng: Prng
}

export class SimNetwork<M> {
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    partitioned: 0,
    toDownNode: 0,
  }
  private readonly nodes = new Map<NodeId, NodeSlot<M>>()
  private readonly order: NodeId[] = []
  private readonly latency = new Map<number, number>()
  private partitions: Partition[] = []
  private nextTimer = 1
  /** Loss and duplication apply only before this time (the network "heals" afterwards). */
  faultsUntil = Number.POSITIVE_INFINITY

  constructor(
    readonly scheduler: Scheduler,
    readonly rng: Prng,
    readonly links: LinkConfig,
    readonly trace: Trace,
  ) {}

  add(node: SimNode<M>): void {
    if (this.nodes.has(node.id))
      throw new Error(`SimNetwork.add: expected a new node id, got ${node.id} twice`)
    const index = this.order.length
    this.order.push(node.id)
    this.nodes.set(node.id, {
      node,
      index,
      up: false,
      storage: new Map(),
      timers: new Map(),
      life: 0,
      rng: this.rng.fork(index),
    })
  }

  get ids(): readonly NodeId[] {
    return this.order
  }

  isUp(id: NodeId): boolean {
    return this.nodes.get(id)?.up ?? false
  }

  storageOf(id: NodeId): Map<string, unknown> {
    return this.slot(id).storage
  }

  addPartition(p: Partition): void {
    this.partitions.push(p)
  }

  /** Start every node (at the current virtual time). */
  startAll(): void {
    for (const id of this.order) this.start(id)
  }

  start(id: NodeId): void {
    const s = this.slot(id)
    if (s.up) return
    s.up = true
    s.life++
    this.trace.add(`${this.scheduler.now()} start ${id} ${s.life}`)
    s.node.start(this.context(s))
  }

  /** Crash a node: its timers are cancelled and messages to it are dropped until it restarts. */
  crash(id: NodeId): void {
    const s = this.slot(id)
    if (!s.up) return
    s.up = false
    for (const t of s.timers.values()) this.scheduler.cancel(t)
    s.timers.clear()
    this.trace.add(`${this.scheduler.now()} crash ${id}`)
    s.node.crash()
  }

  /** Is the link from `a` to `b` cut by a partition at time `t`? */
  partitioned(a: NodeId, b: NodeId, t: number): boolean {
    if (this.partitions.length === 0) return false
    for (const p of this.partitions) {
      if (t < p.from || t >= p.to) continue
      const ga = p.groups.findIndex((g) => g.includes(a))
      const gb = p.groups.findIndex((g) => g.includes(b))
      if (ga >= 0 && gb >= 0 && ga !== gb) return true
    }
    return false
  }

  private slot(id: NodeId): NodeSlot<M> {
    const s = this.nodes.get(id)
    if (!s) throw new Error(`SimNetwork: expected a known node, got ${id}`)
    return s
  }

  /** Base latency of a link, drawn on first use (per direction). */
  private linkLatency(from: NodeSlot<M>, to: NodeSlot<M>): number {
    const key = from.index * 65536 + to.index
    let l = this.latency.get(key)
    if (l === undefined) {
      const [lo, hi] = this.links.latencyMs
      l = this.rng.int(lo, hi)
      this.latency.set(key, l)
    }
    return l
  }

  /** Queue a message; every fault is decided now, from the PRNG. */
  send(from: NodeId, to: NodeId, msg: M): void {
    if (from === to) return
    this.stats.sent++
    const now = this.scheduler.now()
    if (this.partitioned(from, to, now)) {
      this.stats.partitioned++
      return
    }
    const faulty = now < this.faultsUntil
    if (faulty && this.rng.chance(this.links.loss)) {
      this.stats.lost++
      return
    }
    const copies = faulty && this.rng.chance(this.links.duplicate) ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    const base = this.linkLatency(this.slot(from), this.slot(to))
    for (let c = 0; c < copies; c++) {
      const delay = base + (this.links.jitterMs > 0 ? this.rng.int(0, this.links.jitterMs) : 0)
      this.scheduler.schedule(delay, () => this.deliver(from, to, msg))
    }
  }

  private deliver(from: NodeId, to: NodeId, msg: M): void {
    const s = this.slot(to)
    if (!s.up) {
      this.stats.toDownNode++
      return
    }
    // a partition that started while the message was in flight also cuts it
    if (this.partitioned(from, to, this.scheduler.now())) {
      this.stats.partitioned++
      return
    }
    this.stats.delivered++
    s.node.onMessage(from, msg)
  }

  private context(s: NodeSlot<M>): SimContext<M> {
    const life = s.life
    const id = s.node.id
    const alive = () => s.up && s.life === life
    return {
      id,
      peers: this.order,
      now: () => this.scheduler.now(),
      send: (to, msg) => {
        if (alive()) this.send(id, to, msg)
      },
      broadcast: (msg) => {
        if (!alive()) return
        for (const to of this.order) if (to !== id) this.send(id, to, msg)
      },
      setTimer: (delayMs, fn): TimerHandle => {
        const handle = { id: this.nextTimer++ }
        if (!alive()) return handle
        const e = this.scheduler.schedule(delayMs, () => {
          s.timers.delete(handle.id)
          if (alive()) fn()
        })
        s.timers.set(handle.id, e)
        return handle
      },
      clearTimer: (handle) => {
        if (handle === undefined) return
        this.scheduler.cancel(s.timers.get(handle.id))
        s.timers.delete(handle.id)
      },
      rng: s.rng,
      storage: s.storage,
      trace: (line) => this.trace.add(`${this.scheduler.now()} ${id} ${line}`),
    }
  }
}
