/**
 * Ledger invariants (stellar-core's invariant checks, e.g. ConservationOfLumens), run after every
 * closed ledger. The incremental checks are cheap and always run; `full` recounts every account and
 * runs in tests and dev builds.
 *
 *  - conservation: Σ(balances + locked) + feePool + pendingPayouts = genesisCirculating + minted − burned
 *    (checked on the changed accounts' deltas, or recounted in full);
 *  - supply: circulating + phase-1 pool + mining pool + team reserve + burned = the 20 billion cap;
 *  - no negative amount anywhere (the codec refuses to hash one, and the recount checks);
 *  - sequence numbers never go down.
 *
 * A violation throws `InvariantViolationError`: it means a bug in the rules, and a validator must stop
 * rather than sign a wrong ledger.
 */
import { SUPPLY_CAP } from './amounts.js'
import type { LedgerDiff } from './close.js'
import type { LedgerState } from './state.js'

export class InvariantViolationError extends Error {
  override readonly name = 'InvariantViolationError'
}

export interface InvariantSnapshot {
  feePool: bigint
  pendingPayouts: bigint
  minted: bigint
  burned: bigint
}

export function snapshotOf(state: LedgerState): InvariantSnapshot {
  const pools = state.pools()
  return {
    feePool: pools.feePool,
    pendingPayouts: pools.pendingPayouts,
    minted: pools.minted,
    burned: pools.burned,
  }
}

function fail(message: string): never {
  throw new InvariantViolationError(message)
}

/**
 * Check the invariants after a ledger: `before` is the pools as they were before it, `previous` the
 * changed accounts as they were before it (recorded while committing).
 */
export function checkInvariants(
  state: LedgerState,
  before: InvariantSnapshot,
  diff: LedgerDiff,
  previous: ReadonlyMap<string, { held: bigint; seq: bigint }>,
  full: boolean,
): void {
  const pools = state.pools()
  const circulating = pools.genesisCirculating + pools.minted - pools.burned
  if (circulating + pools.phase1 + pools.mining + pools.teamLocked + pools.burned !== SUPPLY_CAP) {
    fail(
      `supply: circulating ${circulating} + pools ${pools.phase1 + pools.mining + pools.teamLocked} + burned ${pools.burned} ≠ cap ${SUPPLY_CAP}`,
    )
  }
  if (circulating > SUPPLY_CAP) fail(`supply: circulating ${circulating} above the cap`)

  // Incremental conservation: the change in what accounts hold equals the change in circulation
  // minus what moved into or out of the fee pool and the pending payouts.
  let heldDelta = 0n
  for (const { key, entry } of diff.entries) {
    if (key[0] !== 'a') continue
    const prev = previous.get(key)
    const now = entry && entry.type === 'account' ? entry : undefined
    if (now && (now.balance < 0n || now.locked < 0n)) fail(`negative amount in account #${now.index}`)
    if (prev && now && now.seq < prev.seq) fail(`sequence number of account #${now.index} went down`)
    heldDelta += (now ? now.balance + now.locked : 0n) - (prev ? prev.held : 0n)
  }
  const expected =
    pools.minted -
    before.minted -
    (pools.burned - before.burned) -
    (pools.feePool - before.feePool) -
    (pools.pendingPayouts - before.pendingPayouts)
  if (heldDelta !== expected) fail(`conservation: accounts changed by ${heldDelta}, expected ${expected}`)

  if (full) {
    let held = 0n
    for (const e of state.entries.values()) {
      if (e.type !== 'account') continue
      if (e.balance < 0n || e.locked < 0n) fail(`negative amount in account #${e.index}`)
      held += e.balance + e.locked
    }
    if (held + pools.feePool + pools.pendingPayouts !== circulating) {
      fail(
        `conservation (full): accounts ${held} + fee pool ${pools.feePool} + pending ${pools.pendingPayouts} ≠ circulating ${circulating}`,
      )
    }
  }
}
