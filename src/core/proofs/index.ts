/**
 * The storage-proof engine (docs/proofs.md): SDR-style sealing (proof of replication) and windowed,
 * chained proofs of spacetime, pure and deterministic over an injected hash (`Hasher`) and an
 * injected sector store (`SectorStore`). Browser workers (workers/proofs.worker.ts) and relay worker
 * threads (relay/src/proofs/) run it; validators call `verifySeal` / `verifyPoSt` directly.
 */
export * from './codecs.js'
export * from './derive.js'
export * from './errors.js'
export * from './evidence.js'
export * from './graph.js'
export * from './hasher.js'
export * from './jobs.js'
export * from './labels.js'
export * from './merkle.js'
export * from './params.js'
export * from './porep.js'
export * from './post.js'
export * from './results.js'
export * from './seal.js'
export * from './sector.js'
export * from './store.js'
export * from './unseal.js'
