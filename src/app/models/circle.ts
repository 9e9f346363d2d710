/**
 * The security circle (PRODUCT §4.4 contributor role): up to 5 people the pioneer trusts. Each one who
 * checks in on a day adds +0.2 to the pioneer's weight that day. Edited as a draft, validated in plain
 * words (address typos, yourself, twice, more than 5, no such account), saved with one
 * setSecurityCircle transaction. Also watches whether each member checked in today.
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import type { AccountModel } from './account.js'
import type { HistoryModel } from './history.js'
import { MAX_CIRCLE } from './limits.js'
import type { NetworkModel } from './network.js'
import { canScanImages, qrTextFromImage } from './scan.js'
import { parsePaymentText } from './uri.js'
import type { WalletModel } from './wallet.js'
import { loadEngine } from './wallet.js'

export interface MemberStatus {
  exists: boolean
  lastDay?: bigint
  ledger: bigint
}

export interface CircleModel {
  /** The circle as certified on the ledger. */
  readonly saved: ReadonlySignal<string[]>
  /** The circle being edited (starts as the saved one). */
  readonly draft: ReadonlySignal<string[]>
  readonly input: Signal<string>
  readonly error: Signal<string | undefined>
  readonly notice: Signal<string | undefined>
  readonly saving: Signal<boolean>
  readonly dirty: ReadonlySignal<boolean>
  readonly members: Signal<ReadonlyMap<string, MemberStatus>>
  readonly canScanImages: boolean
  add(): Promise<void>
  /** Read a member's address from a photo of their QR code, then add them. */
  scanImage(file: Blob): Promise<void>
  remove(address: string): void
  reset(): void
  save(): Promise<void>
  refreshMembers(addresses?: readonly string[]): Promise<void>
}

export function createCircleModel(
  network: NetworkModel,
  wallet: WalletModel,
  account: AccountModel,
  history: HistoryModel,
): CircleModel {
  const saved = computed(() => account.view.value?.circle ?? [])
  const edited = signal<string[] | undefined>(undefined)
  const input = signal('')
  const error = signal<string | undefined>(undefined)
  const notice = signal<string | undefined>(undefined)
  const saving = signal(false)
  const members = signal<ReadonlyMap<string, MemberStatus>>(new Map())
  let savingHash: string | undefined

  const draft = computed(() => edited.value ?? saved.value)
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x, i) => x === b[i])

  async function lookUp(address: string): Promise<MemberStatus | undefined> {
    const light = network.current()
    if (!light) return undefined
    const a = await light.account(address)
    return {
      exists: a.account !== undefined,
      ledger: a.header.seq,
      ...(a.account?.checkIns.lastDay !== undefined ? { lastDay: a.account.checkIns.lastDay } : {}),
    }
  }

  const model: CircleModel = {
    saved,
    draft,
    input,
    error,
    notice,
    saving,
    dirty: computed(() => !same(draft.value, saved.value)),
    members,
    canScanImages,
    async scanImage(file) {
      const r = await qrTextFromImage(file)
      if (!r.ok) {
        error.value = r.reason
        return
      }
      input.value = r.value
      await model.add()
    },
    async add() {
      error.value = undefined
      notice.value = undefined
      const parsed = parsePaymentText(input.peek())
      if (!parsed.ok) {
        error.value = parsed.reason
        return
      }
      const address = parsed.value.address
      const list = draft.peek()
      if (address === wallet.address.peek()) {
        error.value = 'You cannot add yourself to your own security circle. Add people you know and trust.'
        return
      }
      if (list.includes(address)) {
        error.value = 'This person is already in your security circle.'
        return
      }
      if (list.length >= MAX_CIRCLE) {
        error.value = `A security circle has at most ${MAX_CIRCLE} people. Remove someone first.`
        return
      }
      if (network.online.peek()) {
        const st = await lookUp(address).catch(() => undefined)
        if (st && !st.exists) {
          error.value =
            'No account with this address exists yet. Ask them to open Watt and create their wallet, then add them.'
          return
        }
        if (st) members.value = new Map(members.peek()).set(address, st)
      }
      edited.value = [...list, address]
      input.value = ''
    },
    remove(address) {
      error.value = undefined
      edited.value = draft.peek().filter((a) => a !== address)
    },
    reset() {
      edited.value = undefined
      error.value = undefined
    },
    async save() {
      if (saving.peek()) return
      error.value = undefined
      notice.value = undefined
      if (!account.view.peek()?.exists) {
        error.value = 'Your account is not on the network yet. Save your circle once it has been created.'
        return
      }
      saving.value = true
      try {
        const e = await loadEngine()
        const list = draft.peek()
        const item = await history.send('setSecurityCircle', [
          { type: 'setSecurityCircle', members: list.map((a) => e.parseAccountAddress(a)) },
        ])
        savingHash = item.hash
        if (item.status === 'rejected') {
          error.value = item.reason ?? 'The network refused the new circle.'
          saving.value = false
        } else
          notice.value =
            item.status === 'queued'
              ? 'Offline: your circle will be saved when the network is back.'
              : 'Saving your circle…'
      } catch (err) {
        error.value = err instanceof Error ? err.message : String(err)
        saving.value = false
      }
    },
    async refreshMembers(addresses = saved.peek()) {
      if (!network.current() || addresses.length === 0) return
      const found = await Promise.all(
        addresses.map(async (a) => [a, await lookUp(a).catch(() => undefined)] as const),
      )
      const next = new Map(members.peek())
      for (const [a, st] of found) if (st) next.set(a, st)
      members.value = next
    },
  }

  // Follow the saved circle's transaction.
  history.items.subscribe((items) => {
    if (!savingHash) return
    const item = items.find((i) => i.hash === savingHash)
    if (!item) return
    if (item.status === 'applied') {
      savingHash = undefined
      saving.value = false
      edited.value = undefined
      notice.value = `Security circle saved${item.verified ? ' and verified' : ''} in ledger ${item.ledger}.`
      void account.refresh(item.account)
    } else if (item.status === 'failed' || item.status === 'rejected') {
      savingHash = undefined
      saving.value = false
      error.value = item.reason ?? 'The network refused the new circle.'
    }
  })
  return model
}
