/**
 * The deterministic network simulator (issue 3): many SCP nodes in one process on a virtual clock
 * over a simulated network with latency, loss, duplication, reordering, partitions, crashes with
 * restart, and Byzantine nodes. Seeded and replayable: same seed ⇒ same trace hash. See docs/scp.md
 * §Simulator.
 *
 * @example
 * const r = runScenario(randomScenario(42))
 * r.safety.ok && r.liveness.ok   // true
 * r.traceHash                    // identical on every run of seed 42
 */
export { type ByzantineKind, EquivocatingNode, SilentNode } from './byzantine.js'
export { CLEAN_LINKS, type LinkConfig, type NetworkStats, type Partition, SimNetwork } from './network.js'
export type { NodeId, SimContext, SimNode, TimerHandle } from './node.js'
export { Prng, seedFromString } from './prng.js'
export { type RandomScenarioOptions, randomScenario, randomTopology } from './random.js'
export {
  byzantineTolerance,
  type Crash,
  deleteNodes,
  runScenario,
  type ScenarioConfig,
  type ScenarioResult,
} from './scenario.js'
export { type ScheduledEvent, Scheduler } from './scheduler.js'
export {
  describeStatement,
  type ScpMessage,
  type ScpNodeConfig,
  type ScpObserver,
  ScpSimNode,
  SimScpDriver,
} from './scp-node.js'
export { bftThreshold, flat, majority, nested, type Topology, tiered } from './topology.js'
export { Trace } from './trace.js'
export {
  combineValues,
  FLAG_BYZANTINE,
  GENESIS_VALUE,
  makeValue,
  parseValue,
  type SimValue,
  VALUE_BYTES,
} from './values.js'
