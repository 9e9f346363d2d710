/**
 * The wallet's account as last verified: the light client's answer (checked against a certified
 * header's state root), or, before it has loaded or while offline, the last verified answer kept on
 * this device, always shown with the ledger it was verified at.
 */
import { type Signal, signal } from '@preact/signals'
import { accountAddress, validatorId } from '../../core/crypto/strkey.js'
import { cacheGet, cachePut } from '../data/db.js'
import type { AccountAnswer } from '../net/light-api.js'
import type { NetworkModel } from './network.js'
import { singleFlight } from './single.js'

export interface AccountView {
  address: string
  /** False when the certified state proves there is no such account (yet). */
  exists: boolean
  balance: bigint
  locked: bigint
  seq: bigint
  checkIns: { total: number; lastDay?: bigint; streak: number }
  circle: string[]
  referrer?: string
  linkedValidator?: string
  /** The certified ledger this was verified at. */
  ledger: bigint
  closeTime: bigint
  /** Trusted validators whose signatures certified that ledger. */
  signers: number
  /** True when this came from a store on the device rather than a fresh answer from relays. */
  fromCache: boolean
  /** When this device got the answer (ms). */
  checkedAt: number
}

export interface AccountModel {
  readonly view: Signal<AccountView | undefined>
  readonly error: Signal<string | undefined>
  /** Show the last verified view kept on this device for `address` (before the light client answers). */
  loadCached(address: string | undefined): Promise<void>
  refresh(address: string): Promise<AccountView | undefined>
}

export function viewOf(address: string, a: AccountAnswer, now = Date.now()): AccountView {
  const h = a.header
  const base = {
    address,
    ledger: h.seq,
    closeTime: h.closeTime,
    signers: h.signers.length,
    fromCache: a.fromCache,
    checkedAt: a.fromCache ? Number(h.closeTime) * 1000 : now,
  }
  const acc = a.account
  if (!acc)
    return {
      ...base,
      exists: false,
      balance: 0n,
      locked: 0n,
      seq: 0n,
      checkIns: { total: 0, streak: 0 },
      circle: [],
    }
  return {
    ...base,
    exists: true,
    balance: acc.balance,
    locked: acc.locked,
    seq: acc.seq,
    checkIns: {
      total: acc.checkIns.total,
      streak: acc.checkIns.streak,
      ...(acc.checkIns.lastDay !== undefined ? { lastDay: acc.checkIns.lastDay } : {}),
    },
    circle: acc.circle.map((k) => accountAddress(k)),
    ...(acc.referrer ? { referrer: accountAddress(acc.referrer) } : {}),
    ...(acc.linkedValidator ? { linkedValidator: validatorId(acc.linkedValidator) } : {}),
  }
}

export function createAccountModel(network: NetworkModel): AccountModel {
  const view = signal<AccountView | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  return {
    view,
    error,
    async loadCached(address) {
      if (!address) {
        view.value = undefined
        return
      }
      const cached = await cacheGet<AccountView>(`view:${address}`).catch(() => undefined)
      if (cached && !view.peek()) view.value = { ...cached, fromCache: true }
    },
    refresh: singleFlight(async (address: string): Promise<AccountView | undefined> => {
      try {
        const light = await network.client()
        const answer = await light.account(address)
        const next = viewOf(address, answer)
        const prev = view.peek()
        // Never step back to an older ledger (two answers may cross), nor replace a fresh answer by
        // a cached one for the same ledger.
        if (prev && prev.address === address && prev.ledger > next.ledger) return prev
        view.value = next
        error.value = undefined
        if (!next.fromCache) await cachePut(`view:${address}`, next).catch(() => undefined)
        return next
      } catch (err) {
        error.value = err instanceof Error ? err.message : String(err)
        const prev = view.peek()
        if (prev && !prev.fromCache) view.value = { ...prev, fromCache: true }
        return view.peek()
      }
    }),
  }
}
