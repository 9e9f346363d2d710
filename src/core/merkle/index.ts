/**
 * Authenticated data structures of the ledger: the sparse Merkle tree behind the state root
 * (smt.ts) and the binary Merkle tree over ordered lists behind the results root and the payout
 * table (list.ts). See docs/merkle.md.
 */
export * from './list.js'
export * from './smt.js'
