/**
 * The node abstraction of the simulator. A `SimNode` is anything that reacts to messages and timers:
 * today a bare SCP instance with a small herder (scp-node.ts), later a whole validator (SCP and the
 * ledger). It is given a `SimContext` each time it starts: the virtual clock, timers, the network,
 * its own random stream and its "disk" (storage that survives a crash).
 */
import type { Prng } from './prng.js'

export type NodeId = string

export interface TimerHandle {
  readonly id: number
}

export interface SimContext<M> {
  readonly id: NodeId
  /** Every node of the network, this one included, in a fixed order. */
  readonly peers: readonly NodeId[]
  /** Virtual milliseconds. */
  now(): number
  /** Send to one node; the network decides latency, loss, duplication and partitions. */
  send(to: NodeId, msg: M): void
  /** Send to every other node (a flooding overlay reduced to direct sends). */
  broadcast(msg: M): void
  /** Run `fn` after `delayMs` of virtual time, unless the node crashes first. */
  setTimer(delayMs: number, fn: () => void): TimerHandle
  clearTimer(handle: TimerHandle | undefined): void
  /** A random stream of this node (seeded from the scenario seed and the node index). */
  readonly rng: Prng
  /** The node's disk: survives crashes and restarts. */
  readonly storage: Map<string, unknown>
  /** Add a line to the run's trace (hashed; kept only when debugging). */
  trace(line: string): void
}

export interface SimNode<M> {
  readonly id: NodeId
  /** Boot, or restart after a crash with a fresh context: timers and volatile state are gone. */
  start(ctx: SimContext<M>): void
  /** A message arrived (only while the node is up). */
  onMessage(from: NodeId, msg: M): void
  /** The node crashes: drop volatile state. `storage` is kept by the network. */
  crash(): void
}
