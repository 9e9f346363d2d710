/** The relay's crypto: node:crypto Ed25519 (the fastest backend in Node, see BENCHMARKS.md) and the verify pool. */
export { nodeEd25519 as defaultEd25519, nodeEd25519 } from './ed25519-node.js'
export { createVerifyPool, type VerifyPool } from './verify-pool.js'
