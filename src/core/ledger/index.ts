/**
 * The ledger state machine (PRODUCT §4.3–4.4; docs/protocol.md): pure and deterministic, shared by
 * validators (which apply it) and browsers (which verify its proofs).
 *
 * @example
 * const state = createGenesisState(parseGenesis(json))
 * const { header, results } = closeLedger(state, value, txSet, { networkId, passed })
 */
export * from './amounts.js'
export * from './attestations.js'
export * from './certified-view.js'
export * from './checks.js'
export * from './close.js'
export * from './context.js'
export * from './daily.js'
export * from './genesis.js'
export * from './invariants.js'
export * from './keys.js'
export * from './payouts.js'
export * from './proofs.js'
export * from './puzzle.js'
export * from './restore.js'
export * from './state.js'
export * from './transaction.js'
export * from './txset.js'
export * from './types.js'
