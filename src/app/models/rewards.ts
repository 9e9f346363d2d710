/**
 * Today's estimated reward and the payslips of closed days.
 *
 * Estimate (PRODUCT §4.4): r(N) × your weight, where the weight counts what is known so far today —
 * pioneer 1.0 once checked in, +0.2 per security-circle member who has checked in today (at most 5).
 * The referral bonus (+0.25 per active invitee) and the node bonus (+1.0 with a validator signing 80%
 * of the day) are settled at the day's close and not estimated; neither is the fee share. It is
 * labelled an estimate everywhere: other people's check-ins change nothing in r(N) × weight, but N
 * may cross a tenfold during the day.
 *
 * Payslip: after the day closes, the light client fetches the account's line of the day's payout
 * table and checks it against the payout root in a certified header; the breakdown shown (base,
 * circle, referral, node bonus, fee share) is computed from that verified line.
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import { cacheGet, cachePut } from '../data/db.js'
import type { AccountModel } from './account.js'
import type { CheckInModel } from './checkin.js'
import type { CircleModel } from './circle.js'
import type { HistoryModel } from './history.js'
import type { NetworkModel } from './network.js'
import { singleFlight } from './single.js'
import { loadEngine } from './wallet.js'

interface Rules {
  rewardRate: (n: bigint) => bigint
  POINTS: {
    pioneer: number
    perCircleMember: number
    maxCircleMembers: number
    perReferral: number
    node: number
  }
  pointsPerWeight: number
}

export interface Estimate {
  checkedIn: boolean
  circleIn: number
  circleSize: number
  points: number
  /** Weight as a decimal string ("1.4"). */
  weight: string
  /** r(N) in base units per unit of weight. */
  rate: bigint
  /** Where r(N) came from: N from the client, yesterday's verified payout rate, or the launch rate. */
  rateFrom: 'network' | 'payslip' | 'launch'
  /** N (accounts that ever checked in), when the client knows it. */
  miners?: bigint
  total: bigint
}

export interface PayslipView {
  day: bigint
  points: number
  circle: number
  referrals: number
  node: boolean
  rewardPerPoint: bigint
  base: bigint
  circlePart: bigint
  referralPart: bigint
  nodePart: bigint
  feeShare: bigint
  total: bigint
  /** The certified ledger whose payout root the line was checked against. */
  ledger: bigint
  signers: number
}

/** A payslip not found is asked for again after this long (each ask goes to every relay). */
const PAYSLIP_RETRY_MS = 5000

export interface RewardsModel {
  readonly estimate: ReadonlySignal<Estimate | undefined>
  readonly payslips: Signal<PayslipView[]>
  load(address: string | undefined): Promise<void>
  /** Load the reward rules (with the wallet engine): after first paint, not before. */
  loadRules(): Promise<void>
  refreshPayslips(address: string): Promise<void>
}

export function createRewardsModel(
  network: NetworkModel,
  account: AccountModel,
  checkIn: CheckInModel,
  circle: CircleModel,
  history: HistoryModel,
): RewardsModel {
  const rules = signal<Rules | undefined>(undefined)
  const payslips = signal<PayslipView[]>([])
  /** When each missing payslip was last asked for: a closed day's table may be a ledger late, or gone. */
  const asked = new Map<bigint, number>()
  let owner: string | undefined

  const estimate = computed((): Estimate | undefined => {
    const r = rules.value
    const d = checkIn.day.value
    const v = account.view.value
    if (!r || !d || !v) return undefined
    const members = circle.members.value
    const circleIn = v.circle.filter((a) => members.get(a)?.lastDay === d.day).length
    const points = r.POINTS.pioneer + r.POINTS.perCircleMember * Math.min(circleIn, r.POINTS.maxCircleMembers)
    const last = payslips.value[0]
    const [rate, rateFrom]: [bigint, Estimate['rateFrom']] =
      d.everCheckedIn !== undefined
        ? [r.rewardRate(d.everCheckedIn), 'network']
        : last
          ? [last.rewardPerPoint * BigInt(r.pointsPerWeight), 'payslip']
          : [r.rewardRate(0n), 'launch']
    const perPoint = rate / BigInt(r.pointsPerWeight)
    const tenths = (points * 10) / r.pointsPerWeight
    return {
      checkedIn: checkIn.checkedInToday.value,
      circleIn,
      circleSize: v.circle.length,
      points,
      weight: Number.isInteger(tenths) ? (tenths / 10).toFixed(1) : (points / r.pointsPerWeight).toFixed(2),
      rate,
      rateFrom,
      ...(d.everCheckedIn !== undefined ? { miners: d.everCheckedIn } : {}),
      total: perPoint * BigInt(points),
    }
  })

  async function save() {
    if (owner) await cachePut(`payslips:${owner}`, payslips.peek()).catch(() => undefined)
  }

  const model: RewardsModel = {
    estimate,
    payslips,
    async loadRules() {
      if (rules.peek()) return
      const e = await loadEngine()
      rules.value = { rewardRate: e.rewardRate, POINTS: e.POINTS, pointsPerWeight: e.POINTS_PER_WEIGHT }
    },
    async load(address) {
      owner = address
      asked.clear()
      payslips.value = address ? ((await cacheGet<PayslipView[]>(`payslips:${address}`)) ?? []) : []
    },
    refreshPayslips: singleFlight(async (address: string) => {
      {
        const light = network.current()
        const d = checkIn.day.peek()
        const r = rules.peek()
        if (!light || !d || !r || address !== owner) return
        const have = new Set(payslips.peek().map((p) => p.day))
        const days = new Set<bigint>()
        const last = account.view.peek()?.checkIns.lastDay
        if (last !== undefined) days.add(last)
        for (const i of history.items.peek())
          if (i.kind === 'checkIn' && i.status === 'applied' && i.day) days.add(BigInt(i.day))
        const now = Date.now()
        const wanted = [...days]
          .filter((x) => x < d.day && !have.has(x) && now - (asked.get(x) ?? 0) > PAYSLIP_RETRY_MS)
          .sort((a, b) => (a < b ? 1 : -1))
        for (const day of wanted.slice(0, 7)) {
          asked.set(day, now)
          const slip = await light.payslip(address, day).catch(() => undefined)
          if (!slip) continue
          const rec = slip.record
          // reward = points × rewardPerPoint exactly (integer rule, src/core/ledger/daily.ts).
          const perPoint = rec.points > 0 ? rec.reward / BigInt(rec.points) : 0n
          const part = (pts: number) => perPoint * BigInt(pts)
          const view: PayslipView = {
            day,
            points: rec.points,
            circle: rec.circle,
            referrals: rec.referrals,
            node: rec.node,
            rewardPerPoint: perPoint,
            base: part(r.POINTS.pioneer),
            circlePart: part(r.POINTS.perCircleMember * rec.circle),
            referralPart: part(r.POINTS.perReferral * rec.referrals),
            nodePart: rec.node ? part(r.POINTS.node) : 0n,
            feeShare: rec.feeShare,
            total: rec.reward + rec.feeShare,
            ledger: slip.header.seq,
            signers: slip.header.signers.length,
          }
          payslips.value = [...payslips.peek(), view].sort((a, b) => (a.day < b.day ? 1 : -1)).slice(0, 30)
          await save()
        }
      }
    }),
  }
  return model
}
