/**
 * Payment requests as text (what a receive QR code holds): `watt:<address>[?amount=<WATT>][&memo=<text>]`,
 * shaped like BIP-21 (`bitcoin:<address>?amount=`) and Stellar's SEP-7 idea. A bare address is a
 * request with no amount.
 */
import { parseWatt } from '../../core/ledger/amounts.js'
import { addressProblem } from './words.js'

export interface PaymentRequest {
  address: string
  amount?: string
  memo?: string
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

export const SCHEME = 'watt:'

export function paymentUri(address: string, amount?: string, memo?: string): string {
  const q = new URLSearchParams()
  if (amount) q.set('amount', amount)
  if (memo) q.set('memo', memo)
  const qs = q.toString()
  return `${SCHEME}${address}${qs ? `?${qs}` : ''}`
}

export function parsePaymentText(text: string): Parsed<PaymentRequest> {
  const t = text.trim()
  if (!t) return { ok: false, reason: 'Nothing to read: paste an address or a watt: payment request.' }
  let address = t
  let amount: string | undefined
  let memo: string | undefined
  if (t.toLowerCase().startsWith(SCHEME)) {
    const rest = t.slice(SCHEME.length).replace(/^\/\//, '')
    const [addr, query = ''] = rest.split('?', 2) as [string, string?]
    address = addr
    const q = new URLSearchParams(query)
    amount = q.get('amount') ?? undefined
    memo = q.get('memo') ?? undefined
  } else if (/^https?:\/\//i.test(t)) {
    // An invitation link carries an address as ?ref=: accept it as the address to pay.
    try {
      const ref = new URL(t).searchParams.get('ref')
      if (ref) address = ref
    } catch {
      return { ok: false, reason: 'That link is not a payment request.' }
    }
  }
  const problem = addressProblem(address)
  if (problem) return { ok: false, reason: problem }
  if (amount !== undefined) {
    try {
      parseWatt(amount)
    } catch {
      return { ok: false, reason: `The payment request has an amount Watt cannot read (${amount}).` }
    }
  }
  return {
    ok: true,
    value: { address, ...(amount !== undefined ? { amount } : {}), ...(memo ? { memo } : {}) },
  }
}
