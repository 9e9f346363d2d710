/**
 * Protocol limits the UI validates against before signing, repeated here so the shell does not load
 * the ledger codec for them. Each mirrors a named constant of src/core (checked in
 * test/e2e/pwa-units.test.ts, so they cannot drift).
 */
/** src/core/ledger/types.ts MAX_CIRCLE */
export const MAX_CIRCLE = 5
/** src/core/ledger/genesis.ts DEFAULT_PARAMS.maxOpsPerLedger (the light client does not expose params). */
export const DEFAULT_MAX_OPS_PER_LEDGER = 1000
/** src/core/ledger/types.ts Transaction.memo: text(64) */
export const MAX_MEMO_BYTES = 64
