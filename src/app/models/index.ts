/**
 * The app's state: every model, created once and wired together here. Components import `app` and
 * render its signals; all behaviour lives in the models (CONVENTIONS habit 11).
 *
 * On each new certified ledger (throttled to one pass at a time) the unlocked wallet's account,
 * its open transactions, today's day, the circle's check-ins and due payslips are refreshed.
 */
import { batch, computed, effect } from '@preact/signals'
import { type AccountModel, createAccountModel } from './account.js'
import { type CheckInModel, createCheckInModel } from './checkin.js'
import { type CircleModel, createCircleModel } from './circle.js'
import { startClock } from './clock.js'
import { createHistoryModel, type HistoryModel } from './history.js'
import { createJoinModel, type JoinModel } from './join.js'
import { createNetworkModel, type NetworkModel } from './network.js'
import { createPaymentsModel, type PaymentsModel } from './payments.js'
import { createPwaModel, type PwaModel } from './pwa.js'
import { createRewardsModel, type RewardsModel } from './rewards.js'
import { startRouting } from './route.js'
import { createTrustModel, type TrustModel } from './trust.js'
import { createWalletModel, loadEngine, type WalletModel } from './wallet.js'

export interface App {
  readonly network: NetworkModel
  readonly wallet: WalletModel
  readonly account: AccountModel
  readonly history: HistoryModel
  readonly join: JoinModel
  readonly checkIn: CheckInModel
  readonly circle: CircleModel
  readonly rewards: RewardsModel
  readonly payments: PaymentsModel
  readonly pwa: PwaModel
  readonly trust: TrustModel
  /** Read local state (wallet present? last verified figures) and route: before first paint. */
  boot(): Promise<void>
  /** Load the light client and the service worker: after first paint. */
  connect(): Promise<void>
}

/** Refresh members' check-ins at most this often (each is one verified account look-up). */
const CIRCLE_REFRESH_MS = 15_000

export function createApp(): App {
  const network = createNetworkModel()
  const wallet = createWalletModel()
  const account = createAccountModel(network)
  const history = createHistoryModel(network, {
    signer: () => wallet.signer.peek(),
    account: () => account.view.peek(),
    engine: loadEngine,
  })
  const join = createJoinModel(network, wallet, account, history)
  const checkIn = createCheckInModel(network, wallet, account, history)
  const circle = createCircleModel(network, wallet, account, history)
  const rewards = createRewardsModel(network, account, checkIn, circle, history)
  const payments = createPaymentsModel(
    network,
    wallet,
    account,
    history,
    () => checkIn.day.value?.params?.maxOpsPerLedger,
  )
  const pwa = createPwaModel()
  const trust = createTrustModel(network)

  // A different wallet (or none): drop the previous one's figures and load this one's from the device.
  let shownAddress: string | undefined
  effect(() => {
    const address = wallet.address.value
    if (address === shownAddress) return
    shownAddress = address
    batch(() => {
      account.view.value = undefined
      circle.members.value = new Map()
    })
    void account.loadCached(address)
    void history.load(address)
    void rewards.load(address)
  })

  let running = false
  let again = false
  let circleCheckedAt = 0
  async function onLedger(): Promise<void> {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      do {
        again = false
        const signer = wallet.signer.peek()
        if (!signer || !network.current()) return
        const snap = network.snapshot.peek()
        if (snap?.latest && snap.latest.day !== checkIn.day.peek()?.day) await checkIn.refreshDay()
        const view = await account.refresh(signer.address)
        if (view && !view.exists && !view.fromCache && join.phase.peek() === 'idle') void join.start()
        await history.track()
        if (view?.exists && Date.now() - circleCheckedAt > CIRCLE_REFRESH_MS) {
          circleCheckedAt = Date.now()
          await circle.refreshMembers()
        }
        await rewards.refreshPayslips(signer.address)
      } while (again)
    } finally {
      running = false
    }
  }
  effect(() => {
    // Re-run on a new certified ledger, on unlock, and when the network comes or goes.
    void network.latestSeq.value
    void network.online.value
    if (wallet.signer.value) void onLedger()
  })
  // The circle changed on the ledger: look its members up at the next pass (a computed string only
  // notifies when the membership itself changes, not on every new view of the account).
  const circleKey = computed(() => account.view.value?.circle.join(',') ?? '')
  effect(() => {
    void circleKey.value
    circleCheckedAt = 0
  })

  return {
    network,
    wallet,
    account,
    history,
    join,
    checkIn,
    circle,
    rewards,
    payments,
    pwa,
    trust,
    async boot() {
      startClock()
      startRouting()
      await wallet.init()
    },
    async connect() {
      await Promise.all([network.start(), pwa.start().catch(() => undefined), rewards.loadRules()])
    },
  }
}

export const app = createApp()
