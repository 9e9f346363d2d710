/**
 * Joining the network: the self-signed createAccount transaction with its heavier puzzle (PRODUCT §4.4
 * "Account creation needs no money"), carrying the referrer from an invitation link. Runs by itself
 * once a new wallet is unlocked and the certified state shows no account for it.
 */
import { effect, type Signal, signal } from '@preact/signals'
import type { Operation } from '../../core/ledger/types.js'
import type { AccountModel } from './account.js'
import type { HistoryItem, HistoryModel } from './history.js'
import type { NetworkModel } from './network.js'
import { type PuzzleProgress, solveFor } from './puzzle.js'
import type { WalletModel } from './wallet.js'
import { loadEngine } from './wallet.js'

export type JoinPhase = 'idle' | 'solving' | 'submitting' | 'pending' | 'done' | 'failed'

export interface JoinModel {
  readonly phase: Signal<JoinPhase>
  readonly progress: Signal<PuzzleProgress | undefined>
  readonly message: Signal<string | undefined>
  start(): Promise<void>
  cancel(): void
}

export function createJoinModel(
  network: NetworkModel,
  wallet: WalletModel,
  account: AccountModel,
  history: HistoryModel,
): JoinModel {
  const phase = signal<JoinPhase>('idle')
  const progress = signal<PuzzleProgress | undefined>(undefined)
  const message = signal<string | undefined>(undefined)
  let controller: AbortController | undefined
  let waitingFor: string | undefined

  /** Follow the submitted transaction to its verified outcome. */
  function follow(items: readonly HistoryItem[]): void {
    if (!waitingFor) return
    const item = items.find((i) => i.hash === waitingFor)
    if (!item) return
    if (item.status === 'applied') {
      waitingFor = undefined
      phase.value = 'done'
      message.value = `Your account is on the network (ledger ${item.ledger}).`
      wallet.clearReferrer()
      void account.refresh(item.account)
    } else if (item.status === 'failed' || item.status === 'rejected') {
      waitingFor = undefined
      if (item.code === 'op_already_exists') {
        phase.value = 'done'
        void account.refresh(item.account)
      } else if (item.code === 'op_no_referrer') {
        // The inviter's account does not exist: join without the invitation rather than not at all.
        wallet.clearReferrer()
        phase.value = 'idle'
        message.value = `${item.reason} Joining without it…`
        void model.start()
      } else {
        phase.value = 'failed'
        message.value = item.reason ?? 'Creating your account failed.'
      }
    }
  }
  effect(() => follow(history.items.value))

  const model: JoinModel = {
    phase,
    progress,
    message,
    async start() {
      if (phase.peek() === 'solving' || phase.peek() === 'submitting' || phase.peek() === 'pending') return
      const signer = wallet.signer.peek()
      if (!signer) return
      // A createAccount already on its way (e.g. sent before a reload): follow it instead.
      const open = history.items
        .peek()
        .find((i) => i.kind === 'createAccount' && ['signed', 'queued', 'pending'].includes(i.status))
      if (open) {
        waitingFor = open.hash
        phase.value = 'pending'
        return
      }
      controller = new AbortController()
      const { signal: abort } = controller
      try {
        phase.value = 'solving'
        progress.value = undefined
        message.value = 'Solving the sign-up puzzle (it keeps spam accounts out)…'
        const light = await network.client()
        const day = await light.day({ signal: abort })
        const solution = await solveFor('createAccount', network.networkId(), signer.publicKey, day, {
          signal: abort,
          onProgress: (e) => {
            progress.value = e
          },
        })
        phase.value = 'submitting'
        message.value = 'Sending your new account to the network…'
        const e = await loadEngine()
        const ref = wallet.referrer.peek()
        const op: Operation = {
          type: 'createAccount',
          day: day.day,
          nonce: solution.nonce,
          ...(ref && ref !== signer.address ? { referrer: e.parseAccountAddress(ref) } : {}),
        }
        const item = await history.send('createAccount', [op], { seq: 1n, day: day.day.toString() })
        waitingFor = item.hash
        phase.value = 'pending'
        message.value =
          item.status === 'queued'
            ? 'Offline: your account will be sent when the network is back.'
            : 'Waiting for the network to include your account…'
        // The item may already be final (refused at once): the effect ran before waitingFor was set.
        follow(history.items.peek())
      } catch (err) {
        if (abort.aborted) {
          phase.value = 'idle'
          message.value = 'Stopped. Your account is not on the network yet.'
        } else {
          phase.value = 'failed'
          message.value = `Could not create your account: ${err instanceof Error ? err.message : String(err)}`
        }
      }
    },
    cancel() {
      controller?.abort(new DOMException('cancelled', 'AbortError'))
    },
  }
  return model
}
