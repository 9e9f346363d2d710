/**
 * Sending and receiving WATT. Send: an address typed, pasted or read from a QR code (a `watt:`
 * payment request, models/uri.ts), an amount, an optional fee (with a suggestion when recent ledgers
 * are nearly full: PRODUCT §4.3 surge pricing puts the highest fee per operation first), a review
 * step, then the signed payment, followed in the history to its verified inclusion.
 * Receive: the address and a QR code of a payment request, optionally with an amount.
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import { formatWatt, parseWatt } from '../../core/ledger/amounts.js'
import type { AccountModel } from './account.js'
import type { HistoryItem, HistoryModel } from './history.js'
import { DEFAULT_MAX_OPS_PER_LEDGER, MAX_MEMO_BYTES } from './limits.js'
import type { NetworkModel } from './network.js'
import { canScanImages, qrTextFromImage } from './scan.js'
import { parsePaymentText, paymentUri } from './uri.js'
import type { WalletModel } from './wallet.js'
import { loadEngine } from './wallet.js'
import { addressProblem } from './words.js'

/** A ledger this full (share of maxOpsPerLedger) counts as busy. */
export const BUSY_SHARE = 0.8
/** The fee suggested when busy: 0.001 WATT per operation (10,000 base units). */
export const SUGGESTED_FEE = '0.001'

export type SendStep = 'edit' | 'review' | 'sent'

export interface SendErrors {
  to?: string
  amount?: string
  fee?: string
  memo?: string
}

export interface FeeSuggestion {
  busy: boolean
  fee: string
  text: string
}

export interface PaymentsModel {
  readonly to: Signal<string>
  readonly amount: Signal<string>
  readonly fee: Signal<string>
  readonly memo: Signal<string>
  readonly step: Signal<SendStep>
  readonly showErrors: Signal<boolean>
  readonly errors: ReadonlySignal<SendErrors>
  readonly warning: Signal<string | undefined>
  readonly scanMessage: Signal<string | undefined>
  readonly feeSuggestion: ReadonlySignal<FeeSuggestion>
  readonly canScanImages: boolean
  readonly sending: Signal<boolean>
  readonly sendError: Signal<string | undefined>
  readonly lastSent: ReadonlySignal<HistoryItem | undefined>
  readonly requestAmount: Signal<string>
  readonly receiveUri: ReadonlySignal<string | undefined>
  readonly receiveError: ReadonlySignal<string | undefined>
  applyText(text: string): boolean
  scanImage(file: Blob): Promise<void>
  useSuggestedFee(): void
  review(): Promise<void>
  edit(): void
  confirm(): Promise<void>
  reset(): void
}

function amountProblem(text: string, what: string, allowZero: boolean): string | undefined {
  const t = text.trim()
  if (!t) return allowZero ? undefined : `Enter the ${what}.`
  try {
    const v = parseWatt(t)
    if (v === 0n && !allowZero) return `The ${what} must be more than 0.`
    return undefined
  } catch {
    return `Enter the ${what} as a number like 12.5 (at most 7 decimals).`
  }
}

export function createPaymentsModel(
  network: NetworkModel,
  wallet: WalletModel,
  account: AccountModel,
  history: HistoryModel,
  /** maxOpsPerLedger from the certified parameters, when known. */
  maxOps: () => number | undefined = () => undefined,
): PaymentsModel {
  const to = signal('')
  const amount = signal('')
  const fee = signal('')
  const memo = signal('')
  const step = signal<SendStep>('edit')
  const showErrors = signal(false)
  const warning = signal<string | undefined>(undefined)
  const scanMessage = signal<string | undefined>(undefined)
  const sending = signal(false)
  const sendError = signal<string | undefined>(undefined)
  const lastHash = signal<string | undefined>(undefined)
  const requestAmount = signal('')

  const errors = computed((): SendErrors => {
    const out: SendErrors = {}
    const dest = to.value.trim()
    const ap = addressProblem(dest)
    if (ap) out.to = ap
    else if (dest === wallet.address.value) out.to = 'That is your own address: you cannot pay yourself.'
    const amt = amountProblem(amount.value, 'amount', false)
    const fp = amountProblem(fee.value, 'fee', true)
    if (amt) out.amount = amt
    if (fp) out.fee = fp
    if (!amt && !fp) {
      const v = account.view.value
      const total = parseWatt(amount.value.trim()) + (fee.value.trim() ? parseWatt(fee.value.trim()) : 0n)
      if (v?.exists && total > v.balance - v.locked)
        out.amount = `You have ${formatWatt(v.balance - v.locked)} WATT to spend; this payment and its fee come to ${formatWatt(total)} WATT.`
    }
    if (new TextEncoder().encode(memo.value).length > MAX_MEMO_BYTES)
      out.memo = `A note can be at most ${MAX_MEMO_BYTES} bytes long.`
    return out
  })

  const feeSuggestion = computed((): FeeSuggestion => {
    const h = network.snapshot.value?.latest?.header
    if (!h) return { busy: false, fee: '', text: 'Fees are optional.' }
    const share = h.opCount / (maxOps() ?? DEFAULT_MAX_OPS_PER_LEDGER)
    if (share >= BUSY_SHARE)
      return {
        busy: true,
        fee: SUGGESTED_FEE,
        text: `The network is busy: ledger ${h.seq} was ${Math.round(share * 100)}% full. A fee of ${SUGGESTED_FEE} WATT puts your payment ahead of free ones.`,
      }
    return { busy: false, fee: '', text: 'The network is not busy: no fee is needed.' }
  })

  const receiveError = computed(() => amountProblem(requestAmount.value, 'amount', true))

  const model: PaymentsModel = {
    to,
    amount,
    fee,
    memo,
    step,
    showErrors,
    errors,
    warning,
    scanMessage,
    feeSuggestion,
    canScanImages,
    sending,
    sendError,
    lastSent: computed(() => history.items.value.find((i) => i.hash === lastHash.value)),
    requestAmount,
    receiveUri: computed(() => {
      const a = wallet.address.value
      if (!a) return undefined
      const amt = requestAmount.value.trim()
      return paymentUri(a, amt && !receiveError.value ? amt : undefined)
    }),
    receiveError,
    applyText(text) {
      const parsed = parsePaymentText(text)
      if (!parsed.ok) {
        scanMessage.value = parsed.reason
        return false
      }
      to.value = parsed.value.address
      if (parsed.value.amount) amount.value = parsed.value.amount
      if (parsed.value.memo) memo.value = parsed.value.memo
      scanMessage.value = `Filled in from the payment request${parsed.value.amount ? ` (${parsed.value.amount} WATT)` : ''}.`
      return true
    },
    async scanImage(file) {
      const r = await qrTextFromImage(file)
      if (r.ok) model.applyText(r.value)
      else scanMessage.value = r.reason
    },
    useSuggestedFee() {
      fee.value = feeSuggestion.peek().fee
    },
    async review() {
      showErrors.value = true
      warning.value = undefined
      sendError.value = undefined
      if (Object.keys(errors.peek()).length > 0) return
      step.value = 'review'
      // Warn (do not block) when the certified state has no such account: the payment would fail.
      const light = network.current()
      if (light && network.online.peek()) {
        const r = await light.account(to.peek().trim()).catch(() => undefined)
        if (r && !r.account)
          warning.value =
            'There is no account with this address on the network yet: the payment would fail. Ask them to create their wallet first.'
      }
    },
    edit() {
      step.value = 'edit'
    },
    async confirm() {
      if (sending.peek() || Object.keys(errors.peek()).length > 0) return
      sending.value = true
      sendError.value = undefined
      try {
        const e = await loadEngine()
        const dest = to.peek().trim()
        const value = parseWatt(amount.peek().trim())
        const f = fee.peek().trim() ? parseWatt(fee.peek().trim()) : 0n
        const item = await history.send(
          'payment',
          [{ type: 'payment', destination: e.parseAccountAddress(dest), amount: value }],
          {
            to: dest,
            amount: formatWatt(value),
            fee: f,
            ...(memo.peek().trim() ? { memo: memo.peek().trim() } : {}),
          },
        )
        lastHash.value = item.hash
        step.value = 'sent'
        to.value = ''
        amount.value = ''
        fee.value = ''
        memo.value = ''
        showErrors.value = false
      } catch (err) {
        sendError.value = `The payment was not sent: ${err instanceof Error ? err.message : String(err)}`
      } finally {
        sending.value = false
      }
    },
    reset() {
      step.value = 'edit'
      showErrors.value = false
      warning.value = undefined
      sendError.value = undefined
      scanMessage.value = undefined
    },
  }
  return model
}
