/**
 * Transaction sets: building one from the queue with surge pricing, validating a proposed one, the
 * order transactions apply in, and the SCP value (close time, set hash, previous ledger, upgrades).
 *
 * Surge pricing (PRODUCT §4.3): a ledger holds at most `maxOpsPerLedger` operations. When more are
 * waiting, transactions with the highest fee per operation go first; ties are broken by transaction
 * hash, so every validator building from the same queue builds the same set. A source's transactions
 * form a chain by sequence number: a transaction can only come after its predecessors, so the builder
 * walks chains by their next transaction's fee rate (Stellar's lanes, simplified to one lane).
 *
 * A set is canonical: transactions sorted by hash, no duplicates. They apply grouped by source in
 * sequence order, the groups in an order shuffled by SHA-256(source ‖ set hash), so no account can
 * buy "first in the ledger" by choosing its key.
 */
import { compareBytes, concatBytes, equalBytes, toHex } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { attestationCheck } from './attestations.js'
import { type Check, transactionChecks, transactionHash } from './checks.js'
import type { LedgerEnv } from './context.js'
import { idString } from './keys.js'
import type { Reader } from './state.js'
import { Txn } from './state.js'
import { validateTransaction } from './transaction.js'
import {
  type Attestation,
  type LedgerHeader,
  type LedgerValue,
  PARAM_NAMES,
  type ParamName,
  type TransactionEnvelope,
  type TransactionSet,
  TransactionSetType,
  type Upgrade,
} from './types.js'

export interface PreparedTx {
  envelope: TransactionEnvelope
  hash: Uint8Array
}

export function prepare(networkId: Uint8Array, envelope: TransactionEnvelope): PreparedTx {
  return { envelope, hash: transactionHash(networkId, envelope.tx) }
}

const setHashes = new WeakMap<TransactionSet, Uint8Array>()

/** SHA-256 of a set's canonical encoding, memoized per set object (sets are never mutated once built). */
export function txSetHash(set: TransactionSet): Uint8Array {
  let h = setHashes.get(set)
  if (!h) {
    h = sha256(TransactionSetType.encode(set))
    setHashes.set(set, h)
  }
  return h
}

/** fee/ops of a ≥ fee/ops of b, compared exactly by cross-multiplication. */
function feeRateCompare(a: TransactionEnvelope, b: TransactionEnvelope): number {
  const l = a.tx.fee * BigInt(b.tx.operations.length)
  const r = b.tx.fee * BigInt(a.tx.operations.length)
  return l > r ? -1 : l < r ? 1 : 0
}

export interface BuildResult {
  set: TransactionSet
  included: PreparedTx[]
  /** Transactions left out, with the reason: invalid now, or no room (surge). */
  excluded: { tx: PreparedTx; reason: string }[]
}

/**
 * Build the set for the next ledger from candidate transactions (already checked: `env.ctx.passed`
 * holds their signature and puzzle checks).
 */
export function buildTransactionSet(
  view: Reader,
  candidates: readonly PreparedTx[],
  env: LedgerEnv,
  previousLedgerHash: Uint8Array,
  attestations: readonly Attestation[] = [],
): BuildResult {
  const maxOps = view.params().maxOpsPerLedger
  const excluded: BuildResult['excluded'] = []
  // Chains per source, by sequence number; duplicates of a sequence number keep the best fee rate.
  const chains = new Map<string, PreparedTx[]>()
  for (const c of candidates) {
    const k = idString(c.envelope.tx.source)
    const chain = chains.get(k)
    if (chain) chain.push(c)
    else chains.set(k, [c])
  }
  const heads: { chain: PreparedTx[]; pos: number }[] = []
  for (const chain of chains.values()) {
    chain.sort((a, b) => {
      const s = a.envelope.tx.seq - b.envelope.tx.seq
      if (s !== 0n) return s < 0n ? -1 : 1
      return feeRateCompare(a.envelope, b.envelope) || compareBytes(a.hash, b.hash)
    })
    for (let i = 1; i < chain.length; i++) {
      if (chain[i]!.envelope.tx.seq === chain[i - 1]!.envelope.tx.seq) {
        excluded.push({
          tx: chain[i]!,
          reason: 'another transaction with the same sequence number pays more',
        })
        chain.splice(i--, 1)
      }
    }
    heads.push({ chain, pos: 0 })
  }
  const scratch = new Txn(view)
  const included: PreparedTx[] = []
  let ops = 0
  const better = (a: PreparedTx, b: PreparedTx) =>
    feeRateCompare(a.envelope, b.envelope) || compareBytes(a.hash, b.hash)
  // Repeatedly take the best chain head. Sets are at most a few thousand transactions: a sort per
  // pick would be quadratic, so keep heads sorted and re-insert the advanced chain.
  heads.sort((a, b) => better(a.chain[a.pos]!, b.chain[b.pos]!))
  while (heads.length > 0) {
    const head = heads.shift()!
    const tx = head.chain[head.pos]!
    const n = tx.envelope.tx.operations.length
    const dropRest = (reason: string) => {
      for (let i = head.pos; i < head.chain.length; i++) excluded.push({ tx: head.chain[i]!, reason })
    }
    if (ops + n > maxOps) {
      dropRest('surge: the ledger is full at this fee rate')
      continue
    }
    const v = validateTransaction(scratch, tx.envelope, env, tx.hash)
    if (v.code !== 'tx_success') {
      dropRest(`${v.code}: ${v.reason}`)
      continue
    }
    reserve(scratch, tx.envelope)
    included.push(tx)
    ops += n
    head.pos++
    if (head.pos < head.chain.length) {
      const next = head.chain[head.pos]!
      let i = 0
      while (i < heads.length && better(heads[i]!.chain[heads[i]!.pos]!, next) <= 0) i++
      heads.splice(i, 0, head)
    }
  }
  const txs = [...included].sort((a, b) => compareBytes(a.hash, b.hash)).map((t) => t.envelope)
  const atts = [...attestations].sort((a, b) => compareBytes(a.validator, b.validator))
  return { set: { v: 1, previousLedgerHash, txs, attestations: atts }, included, excluded }
}

/**
 * Take a transaction's fee and sequence number in a scratch view, so the next transaction of the same
 * source validates after it (the rest of its effects are not needed to judge the next one's validity).
 */
function reserve(scratch: Txn, envelope: TransactionEnvelope): void {
  const { source, seq, fee } = envelope.tx
  const a = scratch.account(source)
  if (a) scratch.putAccount(source, { ...a, seq, balance: a.balance - fee })
  else scratch.putAccount(source, placeholderAccount(seq, source))
}

/** Stand-in for an account created earlier in the same set, so its later transactions validate by sequence. */
function placeholderAccount(seq: bigint, source: Uint8Array) {
  return {
    v: 1 as const,
    index: 0,
    balance: 0n,
    seq,
    signer: source,
    createdLedger: 0n,
    circle: [],
    checkIns: { total: 0, streak: 0 },
    locked: 0n,
  }
}

/** Every check a transaction set needs: its transactions' and its attestations' (of the last ledger). */
export function transactionSetChecks(
  view: Reader,
  networkId: Uint8Array,
  set: TransactionSet,
  lastHeader: LedgerHeader,
): Check[] {
  return [
    ...set.txs.flatMap((t) => transactionChecks(view, networkId, t)),
    ...set.attestations.map((a) => attestationCheck(networkId, lastHeader.seq, lastHeader.value, a)),
  ]
}

export type SetValidation = { ok: true; ops: number; fees: bigint } | { ok: false; reason: string }

/**
 * Is `set` a valid set for the ledger after `view`? Canonical order, within the operation limit,
 * every transaction valid in application order.
 */
export function validateTransactionSet(
  view: Reader,
  set: TransactionSet,
  env: LedgerEnv,
  last: { header: LedgerHeader; hash: Uint8Array },
): SetValidation {
  const lastHeaderHash = last.hash
  if (!equalBytes(set.previousLedgerHash, lastHeaderHash))
    return { ok: false, reason: 'built on another ledger' }
  const prepared = set.txs.map((e) => prepare(env.ctx.networkId, e))
  for (let i = 1; i < prepared.length; i++) {
    if (compareBytes(prepared[i - 1]!.hash, prepared[i]!.hash) >= 0) {
      return { ok: false, reason: 'transactions not in canonical order, or duplicated' }
    }
  }
  for (let i = 1; i < set.attestations.length; i++) {
    if (compareBytes(set.attestations[i - 1]!.validator, set.attestations[i]!.validator) >= 0) {
      return { ok: false, reason: 'attestations not sorted by validator, or duplicated' }
    }
  }
  for (const a of set.attestations) {
    if (!env.ctx.passed.has(attestationCheck(env.ctx.networkId, last.header.seq, last.header.value, a).id)) {
      return { ok: false, reason: 'an attestation signature does not verify' }
    }
  }
  let ops = 0
  let fees = 0n
  for (const p of prepared) {
    ops += p.envelope.tx.operations.length
    fees += p.envelope.tx.fee
  }
  const maxOps = view.params().maxOpsPerLedger
  if (ops > maxOps) return { ok: false, reason: `${ops} operations exceed the limit of ${maxOps}` }
  const scratch = new Txn(view)
  for (const p of applyOrder(prepared, txSetHash(set))) {
    const v = validateTransaction(scratch, p.envelope, env, p.hash)
    if (v.code !== 'tx_success')
      return { ok: false, reason: `transaction ${toHex(p.hash).slice(0, 16)}…: ${v.code} (${v.reason})` }
    reserve(scratch, p.envelope)
  }
  return { ok: true, ops, fees }
}

/** Application order: source groups shuffled by SHA-256(source ‖ set hash), sequence order within. */
export function applyOrder(
  txs: readonly PreparedTx[],
  setHash: Uint8Array,
  hasher: (b: Uint8Array) => Uint8Array = sha256,
): PreparedTx[] {
  const groups = new Map<string, { key: Uint8Array; txs: PreparedTx[] }>()
  for (const t of txs) {
    const k = idString(t.envelope.tx.source)
    const g = groups.get(k)
    if (g) g.txs.push(t)
    else groups.set(k, { key: hasher(concatBytes(t.envelope.tx.source, setHash)), txs: [t] })
  }
  const ordered = [...groups.values()].sort((a, b) => compareBytes(a.key, b.key))
  const out: PreparedTx[] = []
  for (const g of ordered) {
    g.txs.sort((a, b) =>
      a.envelope.tx.seq < b.envelope.tx.seq ? -1 : a.envelope.tx.seq > b.envelope.tx.seq ? 1 : 0,
    )
    out.push(...g.txs)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// The SCP value

/** Allowed range of each upgradable parameter (an upgrade outside it makes the value invalid). */
export const UPGRADE_RANGES: Record<ParamName, readonly [bigint, bigint]> = {
  maxOpsPerLedger: [1n, 10_000n],
  protocolVersion: [1n, 1n],
  checkInDifficulty: [0n, 24n],
  createAccountDifficulty: [0n, 28n],
  puzzleMemoryKiB: [8n, 65_536n],
  payoutSweepPerLedger: [1n, 1_000_000n],
  closeTimeDriftSeconds: [5n, 600n],
}

export type ValueValidation = { level: 'fullyValidated' | 'maybeValid' | 'invalid'; reason: string }

export interface ValueContext {
  /** The local clock, seconds: close times may not run ahead of it by more than the allowed drift. */
  now: bigint
  /** Look up a transaction set by hash: undefined if this node has not fetched it (yet). */
  txSet(hash: Uint8Array): TransactionSet | undefined
}

/**
 * Validate a proposed value for the ledger after `view` (stellar-core's HerderSCPDriver::validateValue):
 * close time strictly after the last and at most `closeTimeDriftSeconds` ahead of our clock; the
 * previous ledger is ours (else 'maybeValid': valid for a ledger we do not have); upgrades known, in
 * range, sorted and unique.
 */
export function validateValueShape(
  value: LedgerValue,
  view: Reader,
  lastHeaderHash: Uint8Array,
  lastCloseTime: bigint,
  now: bigint,
): ValueValidation {
  if (!equalBytes(value.previousLedgerHash, lastHeaderHash))
    return { level: 'maybeValid', reason: 'not for our last closed ledger' }
  if (value.closeTime <= lastCloseTime)
    return { level: 'invalid', reason: 'close time not after the last ledger' }
  const drift = BigInt(view.params().closeTimeDriftSeconds)
  if (value.closeTime > now + drift)
    return { level: 'invalid', reason: `close time more than ${drift}s in the future` }
  for (let i = 0; i < value.upgrades.length; i++) {
    const u = value.upgrades[i]!
    const [lo, hi] = UPGRADE_RANGES[u.param]
    if (u.value < lo || u.value > hi)
      return { level: 'invalid', reason: `upgrade ${u.param}=${u.value} outside ${lo}..${hi}` }
    if (i > 0 && PARAM_NAMES.indexOf(value.upgrades[i - 1]!.param) >= PARAM_NAMES.indexOf(u.param)) {
      return { level: 'invalid', reason: 'upgrades not sorted by parameter, or duplicated' }
    }
  }
  return { level: 'fullyValidated', reason: '' }
}

/**
 * Combine the confirmed candidates of a slot into one value (stellar-core's combineCandidates): the
 * transaction set with the most operations, then the highest total fees, then the smallest hash XOR
 * the hash of all candidates (a tie-break no proposer can aim for); the close time comes with the
 * chosen set (CAP-0034); upgrades are merged, keeping the highest value per parameter.
 */
export function combineCandidates(
  candidates: readonly LedgerValue[],
  setInfo: (hash: Uint8Array) => { ops: number; fees: bigint } | undefined,
  valueHash: (v: LedgerValue) => Uint8Array,
): LedgerValue | undefined {
  if (candidates.length === 0) return undefined
  const mix = sha256(concatBytes(...candidates.map(valueHash)))
  const xor = (h: Uint8Array) => h.map((b, i) => b ^ mix[i]!)
  let best: LedgerValue | undefined
  let bestInfo: { ops: number; fees: bigint } | undefined
  for (const c of candidates) {
    const info = setInfo(c.txSetHash)
    if (!info) continue
    if (
      !best ||
      !bestInfo ||
      info.ops > bestInfo.ops ||
      (info.ops === bestInfo.ops &&
        (info.fees > bestInfo.fees ||
          (info.fees === bestInfo.fees && compareBytes(xor(c.txSetHash), xor(best.txSetHash)) < 0)))
    ) {
      best = c
      bestInfo = info
    }
  }
  if (!best) return undefined
  const upgrades = new Map<ParamName, bigint>()
  for (const c of candidates)
    for (const u of c.upgrades) if ((upgrades.get(u.param) ?? -1n) < u.value) upgrades.set(u.param, u.value)
  const merged: Upgrade[] = PARAM_NAMES.filter((p) => upgrades.has(p)).map((p) => ({
    param: p,
    value: upgrades.get(p)!,
  }))
  return { ...best, upgrades: merged }
}
