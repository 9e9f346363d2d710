/**
 * The daily check-in (PRODUCT §4.4): a deliberate human gesture (press and hold, by pointer or by
 * holding Space/Enter), then the Argon2id puzzle in a worker with progress and cancel, then the signed
 * check-in, followed to its verified inclusion. A second check-in on the same day is refused here,
 * before any work, and whatever the network refuses is said in plain words.
 */
import { computed, effect, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import { cacheGet, cachePut } from '../data/db.js'
import type { DayInfo } from '../net/light-api.js'
import type { AccountModel } from './account.js'
import { now, sleep } from './clock.js'
import type { HistoryItem, HistoryModel } from './history.js'
import type { NetworkModel } from './network.js'
import { type PuzzleProgress, solveFor } from './puzzle.js'
import type { WalletModel } from './wallet.js'
import { duration } from './words.js'

/** How long the check-in button must be held (ms). */
export const HOLD_MS = 1200
/**
 * A check-in must be included in a ledger of the day it was solved for (op_wrong_day otherwise):
 * this close to the end of the day, wait for the next one (as relay/src/cli/wallet.ts does).
 */
export const DAY_END_MARGIN_S = 5

export type CheckInPhase =
  | 'idle'
  | 'holding'
  | 'waiting-day'
  | 'solving'
  | 'submitting'
  | 'pending'
  | 'done'
  | 'refused'
  | 'failed'

export interface CheckInModel {
  readonly phase: Signal<CheckInPhase>
  /** How far the hold has gone, 0..1. */
  readonly hold: Signal<number>
  readonly progress: Signal<PuzzleProgress | undefined>
  readonly message: Signal<string | undefined>
  /** Today's mining day as last learned from a certified header (cached for offline display). */
  readonly day: Signal<DayInfo | undefined>
  readonly secondsLeft: ReadonlySignal<number | undefined>
  readonly checkedInToday: ReadonlySignal<boolean>
  /** Consecutive days up to today or yesterday (0 once a day was missed). */
  readonly streak: ReadonlySignal<number>
  readonly busy: ReadonlySignal<boolean>
  beginHold(): void
  endHold(): void
  cancel(): void
  refreshDay(): Promise<DayInfo | undefined>
  /** Start the check-in without the hold (after the gesture, or from tests of the flow). */
  run(): Promise<void>
}

const RUNNING: ReadonlySet<CheckInPhase> = new Set(['waiting-day', 'solving', 'submitting', 'pending'])

export function createCheckInModel(
  network: NetworkModel,
  wallet: WalletModel,
  account: AccountModel,
  history: HistoryModel,
): CheckInModel {
  const phase = signal<CheckInPhase>('idle')
  const hold = signal(0)
  const progress = signal<PuzzleProgress | undefined>(undefined)
  const message = signal<string | undefined>(undefined)
  const day = signal<DayInfo | undefined>(undefined)
  let holdTimer: ReturnType<typeof setInterval> | undefined
  let controller: AbortController | undefined
  let waitingFor: string | undefined
  void cacheGet<DayInfo>('day').then((d) => {
    if (d && !day.peek()) day.value = d
  })

  const secondsLeft = computed(() => {
    const d = day.value
    return d ? Number(d.endsAt) - now.value / 1000 : undefined
  })
  const today = computed(() => {
    const d = day.value
    if (!d) return undefined
    // Past the end of the day we knew, the next one has started (even before a ledger says so).
    return secondsLeft.value !== undefined && secondsLeft.value <= 0 ? d.day + 1n : d.day
  })
  const checkedInToday = computed(() => {
    const t = today.value
    if (t === undefined) return false
    if (account.view.value?.checkIns.lastDay === t) return true
    return history.items.value.some(
      (i) => i.kind === 'checkIn' && i.day === t.toString() && !['failed', 'rejected'].includes(i.status),
    )
  })
  const streak = computed(() => {
    const c = account.view.value?.checkIns
    const t = today.value
    if (!c || c.lastDay === undefined || t === undefined) return 0
    return c.lastDay >= t - 1n ? c.streak : 0
  })

  function refuse(text: string) {
    phase.value = 'refused'
    message.value = text
  }

  function alreadyText(): string {
    const left = secondsLeft.peek()
    return `You have already checked in today. ${left !== undefined && left > 0 ? `The next day starts in ${duration(left)}.` : 'The next day is about to start.'}`
  }

  function follow(items: readonly HistoryItem[]): void {
    if (!waitingFor) return
    const item = items.find((i) => i.hash === waitingFor)
    if (!item) return
    if (item.status === 'applied') {
      waitingFor = undefined
      phase.value = 'done'
      message.value = `Checked in for day ${item.day}. ${item.verified ? 'Verified' : 'Included'} in ledger ${item.ledger}.`
      void account.refresh(item.account)
      // N in r(N) may have grown by this check-in: the estimate follows.
      void refreshDay()
    } else if (item.status === 'failed' || item.status === 'rejected') {
      waitingFor = undefined
      phase.value = 'failed'
      message.value = item.reason ?? 'The network refused the check-in.'
    } else if (item.status === 'queued') {
      message.value =
        'Offline: your check-in will be sent as soon as the network is back (it counts only if it arrives today).'
    }
  }
  effect(() => follow(history.items.value))

  async function refreshDay(): Promise<DayInfo | undefined> {
    const light = network.current()
    if (!light) return day.peek()
    try {
      const d = await light.day()
      day.value = d
      await cachePut('day', d).catch(() => undefined)
      return d
    } catch {
      return day.peek()
    }
  }

  const model: CheckInModel = {
    phase,
    hold,
    progress,
    message,
    day,
    secondsLeft,
    checkedInToday,
    streak,
    busy: computed(() => RUNNING.has(phase.value)),
    refreshDay,
    beginHold() {
      if (RUNNING.has(phase.peek()) || phase.peek() === 'holding') return
      phase.value = 'holding'
      message.value = 'Keep holding…'
      hold.value = 0
      const started = performance.now()
      clearInterval(holdTimer)
      holdTimer = setInterval(() => {
        hold.value = Math.min(1, (performance.now() - started) / HOLD_MS)
        if (hold.peek() >= 1) {
          clearInterval(holdTimer)
          void model.run()
        }
      }, 30)
    },
    endHold() {
      if (phase.peek() !== 'holding') return
      clearInterval(holdTimer)
      hold.value = 0
      phase.value = 'idle'
      message.value = 'Hold the button until the ring is full to check in.'
    },
    cancel() {
      controller?.abort(new DOMException('cancelled', 'AbortError'))
    },
    async run() {
      if (RUNNING.has(phase.peek())) return
      hold.value = 0
      progress.value = undefined
      const signer = wallet.signer.peek()
      const acc = account.view.peek()
      if (!signer) return refuse('Unlock your wallet to check in.')
      if (!acc?.exists)
        return refuse('Your account is not on the network yet. Check in once it has been created.')
      // Refused before any work: the certified account (or a check-in this device already sent) says today is done.
      if (checkedInToday.peek()) return refuse(alreadyText())
      if (!network.online.peek())
        return refuse(
          "You are offline. A check-in needs today's puzzle from the network: connect and try again.",
        )
      controller = new AbortController()
      const abort = controller.signal
      try {
        phase.value = 'solving'
        message.value = 'Getting today’s puzzle…'
        let d = await refreshDay()
        if (!d) throw new Error('the network did not say which day it is')
        if (acc.checkIns.lastDay === d.day) return refuse(alreadyText())
        while (Number(d.endsAt) - Date.now() / 1000 < DAY_END_MARGIN_S) {
          phase.value = 'waiting-day'
          message.value =
            'This mining day ends in a few seconds: your check-in will count for the next day. Waiting for it to start…'
          await sleep(1000, abort)
          const next = await refreshDay()
          if (next && next.day !== d.day) d = next
        }
        phase.value = 'solving'
        message.value = 'Solving the check-in puzzle…'
        const solution = await solveFor('checkIn', network.networkId(), signer.publicKey, d, {
          signal: abort,
          onProgress: (e) => {
            progress.value = e
          },
        })
        if (Date.now() / 1000 >= Number(d.endsAt)) {
          phase.value = 'failed'
          message.value =
            'The mining day ended while the puzzle was being solved. Check in again for the new day.'
          return
        }
        phase.value = 'submitting'
        message.value = 'Sending your check-in…'
        const item = await history.send('checkIn', [{ type: 'checkIn', day: d.day, nonce: solution.nonce }], {
          day: d.day.toString(),
        })
        waitingFor = item.hash
        phase.value = 'pending'
        message.value = 'Sent. Waiting for the network to include your check-in…'
        follow(history.items.peek())
      } catch (err) {
        if (abort.aborted) {
          phase.value = 'idle'
          message.value = 'Check-in cancelled. Nothing was sent.'
        } else {
          phase.value = 'failed'
          message.value = `The check-in did not go through: ${err instanceof Error ? err.message : String(err)}`
        }
      } finally {
        progress.value = undefined
      }
    },
  }
  return model
}
