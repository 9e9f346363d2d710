/**
 * The daily close: "SCP computes the distribution once a day" (PRODUCT §4.4).
 *
 * A mining day is ⌊(closeTime − genesisTime) / dayLength⌋. The first ledger whose close time falls in
 * a new day closes the previous one(s) before applying its transactions, identically on every
 * validator. Closing day d:
 *
 *  1. weights, in points (1.0 = 20 points so every rule is an integer):
 *       pioneer 20 for having checked in on d;
 *       contributor +4 for each security-circle member who also checked in on d (at most 5 → +20);
 *       ambassador +5 for each invitee who checked in on d and has ≥ 7 check-ins in all (at most 4 → +20);
 *       node +20 if the linked validator attested at least 80% of the day's ledgers;
 *  2. phase-1 minting: perPoint = ⌊r(N) / 20⌋ where N = accounts that ever checked in and
 *     r(N) = 16 WATT below 10⁴, halving at every tenfold; the day mints perPoint × total points, or,
 *     when the pool cannot cover that, ⌊pool / total points⌋ per point; the remainder of integer
 *     division stays in the pool, so conservation is exact;
 *  3. the fee pool is shared by the same points (⌊feePool / total points⌋ per point, remainder kept);
 *  4. the team reserve releases its linear share for the day (teamTotal × days / teamVestingDays);
 *  5. a payout table (payouts.ts) in account order, whose root goes into the day entry and the header.
 *
 * The day's payout moves from the pools to `pendingPayouts`; balances are credited lazily (settle.ts)
 * or by the sweep below, a bounded number of accounts per ledger, so no single ledger does a
 * million balance updates. Cost of a close: two passes over the mining index's flat arrays and bulk
 * hashing of the table (see BENCHMARKS.md, "daily close").
 */
import { SUPPLY_CAP, UNITS_PER_WATT } from './amounts.js'
import type { LedgerEnv } from './context.js'
import { idString } from './keys.js'
import { settle } from './ops/settle.js'
import { findRecord, type PayoutTable, POINTS, payoutRoot, RECORD_BYTES, readRecord } from './payouts.js'
import type { LedgerState, Txn } from './state.js'
import { MAX_CIRCLE } from './types.js'

export function dayOf(closeTime: bigint, genesisTime: bigint, dayLength: bigint): bigint {
  if (closeTime < genesisTime)
    throw new RangeError(`dayOf: close time ${closeTime} is before genesis ${genesisTime}`)
  return (closeTime - genesisTime) / dayLength
}

/** r(N) in base units: 16 WATT below 10⁴ miners, halving at every tenfold (PRODUCT §4.4). */
export function rewardRate(everCheckedIn: bigint): bigint {
  let r = 16n * UNITS_PER_WATT
  for (let threshold = 10_000n; everCheckedIn >= threshold; threshold *= 10n) r /= 2n
  return r
}

/** Share of a day at which an account's validator counts as a node (80%, PRODUCT §4.4), as a fraction. */
export const NODE_ATTESTATION_SHARE = { num: 4n, den: 5n }

export interface DayCloseSummary {
  day: bigint
  miners: number
  totalPoints: bigint
  rewardPerPoint: bigint
  feePerPoint: bigint
  minted: bigint
  feesPaid: bigint
  teamReleased: bigint
  table: PayoutTable | undefined
}

/**
 * Close mining day `d` into `txn`. The mining index must reflect the state at the end of the day
 * (it does: closes run before any transaction of the new day).
 */
export function closeDay(state: LedgerState, txn: Txn, d: bigint): DayCloseSummary {
  const dayEntry = txn.day(d)
  if (!dayEntry) throw new Error(`closeDay: expected a day entry for day ${d}, got none`)
  if (dayEntry.closed) throw new Error(`closeDay: day ${d} is already closed`)
  const idx = state.mining
  const n = idx.count
  const dayNum = Number(d)

  // Node bonus: validators whose attestations reached 80% of the day's ledgers.
  // 1 for each validator slot whose attestations qualify (a flat array: looked up once per miner).
  const nodeSlots = new Uint8Array(idx.validators.length)
  const ledgers = BigInt(dayEntry.ledgers)
  for (const { validator, count } of dayEntry.validatorSignatures) {
    if (ledgers > 0n && BigInt(count) * NODE_ATTESTATION_SHARE.den >= ledgers * NODE_ATTESTATION_SHARE.num) {
      const slot = idx.slotOf(idString(validator))
      if (slot >= 0) nodeSlots[slot] = 1
    }
  }

  // Pass 1: qualifying invitees per ambassador.
  const referrals = new Uint8Array(n)
  let miners = 0
  for (let i = 0; i < n; i++) {
    if (idx.lastDay[i] !== dayNum) continue
    miners++
    const r = idx.referrer[i]!
    if (
      r >= 0 &&
      idx.totalCheckIns[i]! >= 7 &&
      idx.lastDay[r] === dayNum &&
      referrals[r]! < POINTS.maxReferrals
    ) {
      referrals[r]!++
    }
  }

  // Pass 2: points per miner, in index order.
  const records = new Uint8Array(miners * RECORD_BYTES)
  const circles = new Uint8Array(miners)
  const nodes = new Uint8Array(miners)
  const points = new Uint8Array(miners)
  const indexes = new Uint32Array(miners)
  // A number is exact here: at most 80 points × 2^32 accounts < 2^53.
  let totalPointsN = 0
  let k = 0
  for (let i = 0; i < n; i++) {
    if (idx.lastDay[i] !== dayNum) continue
    let c = 0
    for (let j = 0; j < MAX_CIRCLE; j++) {
      const m = idx.circle[i * MAX_CIRCLE + j]!
      if (m >= 0 && idx.lastDay[m] === dayNum) c++
    }
    const slot = idx.validatorSlot[i]!
    const node = slot >= 0 && nodeSlots[slot] === 1
    const p =
      POINTS.pioneer +
      POINTS.perCircleMember * c +
      POINTS.perReferral * referrals[i]! +
      (node ? POINTS.node : 0)
    circles[k] = c
    nodes[k] = node ? 1 : 0
    points[k] = p
    indexes[k] = i
    totalPointsN += p
    k++
  }

  const totalPoints = BigInt(totalPointsN)
  const pools = txn.pools()
  const params = txn.params()
  let rewardPerPoint = 0n
  let feePerPoint = 0n
  if (totalPoints > 0n) {
    rewardPerPoint = rewardRate(pools.everCheckedIn) / 20n
    if (rewardPerPoint * totalPoints > pools.phase1) rewardPerPoint = pools.phase1 / totalPoints
    feePerPoint = pools.feePool / totalPoints
  }
  const minted = rewardPerPoint * totalPoints
  const feesPaid = feePerPoint * totalPoints

  // Points take few distinct values (20..80): price each once instead of a bigint product per miner.
  const rewardFor = new Map<number, bigint>()
  const feeFor = new Map<number, bigint>()
  const view = new DataView(records.buffer)
  for (let j = 0; j < miners; j++) {
    const p = points[j]!
    let reward = rewardFor.get(p)
    if (reward === undefined) {
      reward = BigInt(p) * rewardPerPoint
      rewardFor.set(p, reward)
      feeFor.set(p, BigInt(p) * feePerPoint)
    }
    // The record layout of payouts.ts (writeRecord), inlined for the million-miner loop.
    const o = j * RECORD_BYTES
    const i = indexes[j]!
    records.set(idx.keyAt(i), o)
    view.setUint32(o + 32, i)
    view.setUint8(o + 36, circles[j]!)
    view.setUint8(o + 37, referrals[i]!)
    view.setUint8(o + 38, nodes[j]!)
    view.setUint8(o + 39, p)
    view.setBigUint64(o + 40, reward)
    view.setBigUint64(o + 48, feeFor.get(p)!)
  }
  const table: PayoutTable | undefined =
    miners > 0
      ? { day: d, count: miners, records, root: payoutRoot(records, miners, state.hasher) }
      : undefined

  // Team reserve: linear release by mining day.
  const vestedDays = BigInt(Math.min(Number(d) + 1, params.teamVestingDays))
  const vested = (pools.teamTotal * vestedDays) / BigInt(params.teamVestingDays)
  const teamReleased = vested - (pools.teamTotal - pools.teamLocked)
  if (teamReleased > 0n) {
    const team = txn.account(params.teamAccount)
    if (!team) throw new Error('closeDay: expected the team account to exist')
    txn.putAccount(params.teamAccount, { ...team, balance: team.balance + teamReleased })
  }

  txn.putPools({
    ...pools,
    phase1: pools.phase1 - minted,
    feePool: pools.feePool - feesPaid,
    pendingPayouts: pools.pendingPayouts + minted + feesPaid,
    teamLocked: pools.teamLocked - teamReleased,
    minted: pools.minted + minted + teamReleased,
  })
  if (pools.minted + minted + teamReleased > SUPPLY_CAP)
    throw new Error('closeDay: minting would exceed the supply cap')
  txn.putDay({
    ...dayEntry,
    closed: true,
    totalPoints,
    rewardPerPoint,
    feePerPoint,
    minted,
    feesPaid,
    teamReleased,
    ...(table ? { payoutRoot: table.root } : {}),
    payoutCount: miners,
  })
  return { day: d, miners, totalPoints, rewardPerPoint, feePerPoint, minted, feesPaid, teamReleased, table }
}

/**
 * Credit up to `budget` payout lines of closed days, oldest day first, resuming where the previous
 * ledger stopped (`sweepNext` in the day entry). Lines already credited when their account was touched
 * are skipped. Returns the days whose tables are fully settled (their tables can be dropped).
 */
export function sweepPayouts(
  txn: Txn,
  tables: ReadonlyMap<bigint, PayoutTable>,
  env: LedgerEnv,
  budget: number,
): bigint[] {
  const done: bigint[] = []
  for (const day of [...tables.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const table = tables.get(day)!
    const entry = txn.day(day)!
    let next = entry.sweepNext
    while (next < table.count && budget > 0) {
      const r = readRecord(table.records, next * RECORD_BYTES)
      const a = txn.account(r.account)
      if (a && a.unsettledDay === day) settle(txn, r.account, env)
      next++
      budget--
    }
    if (next !== entry.sweepNext) txn.putDay({ ...entry, sweepNext: next })
    if (next >= table.count) done.push(day)
    if (budget === 0) break
  }
  return done
}

/** The payout line of account `index` in a day's table. */
export function payoutLine(
  table: PayoutTable | undefined,
  index: number,
): { reward: bigint; feeShare: bigint } | undefined {
  if (!table) return undefined
  const rank = findRecord(table, index)
  if (rank < 0) return undefined
  const r = readRecord(table.records, rank * RECORD_BYTES)
  return { reward: r.reward, feeShare: r.feeShare }
}
