/**
 * Plain words for what the network says (result codes, src/core/ledger/types.ts TX_CODES/OP_CODES;
 * submit refusals, relay/src/node/validator.ts) and for addresses that do not parse. People see
 * these, so each says what happened and what to do.
 */
import { InvalidStrKeyError, parseAccountAddress } from '../../core/crypto/strkey.js'
import type { TransactionResult } from '../net/light-api.js'

const OP_WORDS: Record<string, string> = {
  op_malformed: 'The network could not read this operation.',
  op_underfunded: 'Your balance is too low for this payment and its fee.',
  op_no_destination:
    'There is no account with that address yet. Ask them to open Watt and create their wallet first.',
  op_line_full: "The recipient's balance cannot hold that much.",
  op_already_exists: 'This account already exists on the network.',
  op_bad_puzzle: 'The network did not accept the puzzle solution. Please try again.',
  op_wrong_day:
    'The mining day ended before your check-in reached the network, so it did not count. Check in again for the new day.',
  op_already_checked_in:
    'You have already checked in today. You can check in again when the next day starts.',
  op_no_referrer:
    'The person who invited you has no account on this network, so the invitation could not count.',
  op_circle_self: 'You cannot add yourself to your own security circle.',
  op_circle_duplicate: 'The same person is in your security circle twice.',
  op_circle_unknown_member: 'Someone in your security circle has no account on the network yet.',
  op_validator_taken: 'That validator is already linked to another account.',
  op_bad_validator_signature: "The validator's link signature does not verify.",
  op_self_payment: 'You cannot pay yourself.',
  op_not_sole_operation: 'This operation must be sent on its own.',
  op_not_applied: 'This operation was skipped because an earlier one failed.',
}

const TX_WORDS: Record<string, string> = {
  tx_failed: 'One of the operations in this transaction failed, so none of it was applied.',
  tx_bad_seq: 'Another transaction from this wallet was counted first. Please send it again.',
  tx_bad_auth: "The network did not accept this wallet's signature.",
  tx_no_account: 'Your account is not on the network yet.',
  tx_insufficient_balance: 'Your balance does not cover the fee.',
  tx_too_early: 'The transaction was sent before its time window opened.',
  tx_too_late: 'The transaction arrived after its time window closed.',
  tx_malformed: 'The network could not read this transaction.',
  tx_too_many_ops: 'Too many operations in one transaction.',
  tx_bad_auth_extra: 'The transaction carried a signature it did not need.',
  queue_full: 'The network is very busy right now. Try again in a minute, or add a fee.',
  too_many_pending: 'You already have several transactions waiting. Wait until they are included.',
  dropped: 'The network dropped this transaction before including it. Please send it again.',
}

/** Plain words for a result or submit code (falls back to the relay's own reason). */
export function wordsForCode(code: string | undefined, reason?: string): string {
  if (!code) return reason ?? 'The network refused this transaction.'
  return OP_WORDS[code] ?? TX_WORDS[code] ?? reason ?? `The network refused this transaction (${code}).`
}

/** Plain words for a failed transaction's result: the first failing operation, else the tx code. */
export function wordsForResult(result: TransactionResult | undefined): string {
  if (!result) return 'The transaction failed.'
  const op = result.opResults.find((c) => c !== 'op_success' && c !== 'op_not_applied')
  return wordsForCode(op ?? result.code)
}

/** The code that best explains a failed result (first failing operation, else the tx code). */
export function codeOfResult(result: TransactionResult | undefined): string | undefined {
  if (!result) return undefined
  return result.opResults.find((c) => c !== 'op_success' && c !== 'op_not_applied') ?? result.code
}

/** Why `text` is not an account address, in plain words; undefined when it is one. */
export function addressProblem(text: string): string | undefined {
  const t = text.trim()
  if (!t) return 'Enter an address. Watt addresses start with W.'
  try {
    parseAccountAddress(t)
    return undefined
  } catch (err) {
    if (!(err instanceof InvalidStrKeyError)) return 'That is not a Watt address.'
    switch (err.problem) {
      case 'wrong-length':
        return `A Watt address is 56 characters long; this one has ${t.length}.`
      case 'bad-character':
        return 'A Watt address uses only capital letters A–Z and the digits 2–7.'
      case 'bad-checksum':
        return "This address has a typo: its check digits don't match. Compare it character by character."
      case 'wrong-kind':
        return t.startsWith('V')
          ? 'That is a validator id, not an account address (account addresses start with W).'
          : t.startsWith('S')
            ? 'That is a SECRET key, not an address. Never share it. Account addresses start with W.'
            : 'That is not an account address (account addresses start with W).'
      default:
        return 'That is not a Watt address.'
    }
  }
}

/** "in 3 h 5 min", "in 42 s" — a duration for people. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  const h = Math.floor(m / 60)
  return `${h} h ${m % 60} min`
}

/** "12:04:31" local time, or a date for older instants. */
export function when(ms: number, now = Date.now()): string {
  const d = new Date(ms)
  return now - ms < 20 * 3600_000 ? d.toLocaleTimeString() : d.toLocaleString()
}

/** W…ABCD: the start and end of an address, for tight spaces (the full one is always available). */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 5)}…${address.slice(-5)}` : address
}
