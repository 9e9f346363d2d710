/** JSON views of ledger objects for the HTTP API: amounts as decimal strings, keys in their text form. */
import { toBase64, toHex } from '../../../src/core/codec/bytes.js'
import { accountAddress, validatorId } from '../../../src/core/crypto/strkey.js'
import {
  type Account,
  formatWatt,
  type LedgerHeader,
  type TransactionResult,
} from '../../../src/core/ledger/index.js'

export const amountJson = (units: bigint) => formatWatt(units)

export function headerJson(h: LedgerHeader, hash: Uint8Array) {
  return {
    seq: h.seq.toString(),
    hash: toHex(hash),
    previousHash: toHex(h.previousHash),
    closeTime: h.value.closeTime.toString(),
    day: h.day.toString(),
    protocolVersion: h.protocolVersion,
    txSetHash: toHex(h.txSetHash),
    resultsRoot: toHex(h.resultsRoot),
    stateRoot: toHex(h.stateRoot),
    totalCoins: amountJson(h.totalCoins),
    feePool: amountJson(h.feePool),
    payoutRoot: h.payoutRoot ? toHex(h.payoutRoot) : null,
    txCount: h.txCount,
    opCount: h.opCount,
    upgrades: h.value.upgrades.map((u) => ({ param: u.param, value: u.value.toString() })),
  }
}

export function accountJson(id: Uint8Array, a: Account) {
  return {
    address: accountAddress(id),
    index: a.index,
    balance: amountJson(a.balance),
    balanceUnits: a.balance.toString(),
    locked: amountJson(a.locked),
    seq: a.seq.toString(),
    signer: accountAddress(a.signer),
    referrer: a.referrer ? accountAddress(a.referrer) : null,
    circle: a.circle.map((m) => accountAddress(m)),
    linkedValidator: a.linkedValidator ? validatorId(a.linkedValidator) : null,
    checkIns: {
      total: a.checkIns.total,
      lastDay: a.checkIns.lastDay === undefined ? null : a.checkIns.lastDay.toString(),
      streak: a.checkIns.streak,
    },
    unsettledDay: a.unsettledDay === undefined ? null : a.unsettledDay.toString(),
  }
}

export function resultJson(r: TransactionResult) {
  return { hash: toHex(r.txHash), code: r.code, feeCharged: amountJson(r.feeCharged), opResults: r.opResults }
}

export const b64 = toBase64
