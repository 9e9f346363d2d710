/**
 * The ballot protocol of one slot: PREPARE → CONFIRM → EXTERNALIZE (paper §6.5, steps 1–9;
 * draft-05 §3.5–3.9). A port of stellar-core `src/scp/BallotProtocol.cpp`, message for message:
 * the same state (b, p, p', h, c, z, phase, M), the same `attempt*` order in `advanceSlot`, the same
 * emission gates (one envelope per input, latest state only) and the same ballot-timer rule.
 *
 * stellar-core's CAP-0083 additions (structurally-valid values, empty-tx-set replacement) have no
 * counterpart: the driver's validation levels are invalid / maybeValid / fullyValidated.
 */
import { compareBytes, equalBytes } from '../codec/bytes.js'
import { Latest } from './latest.js'
import type { Slot } from './slot.js'
import {
  BALLOT_COUNTER_INFINITY,
  type Ballot,
  type Envelope,
  type Pledges,
  type Statement,
  type Value,
} from './types.js'
import { type Level, levelOf, minLevel } from './validation.js'

/** stellar-core `MAX_ADVANCE_SLOT_RECURSION`: transitions one received message may trigger. */
export const MAX_ADVANCE_SLOT_RECURSION = 50

export type BallotPhase = 'prepare' | 'confirm' | 'externalize'

type BallotPledges = Exclude<Pledges, { type: 'nominate' }>
type Predicate = (st: Statement) => boolean
/** A commit interval [low, high]; low = 0 means "not found yet". */
type Interval = [number, number]

const EMPTY_VALUE: Value = new Uint8Array(0)

// ---- ballot comparisons (draft-05 §3.5 "Ballots": counter first, then value as unsigned bytes) ----

export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1
  if (a.value === b.value) return 0
  const c = compareBytes(a.value, b.value)
  return c < 0 ? -1 : c > 0 ? 1 : 0
}

/** Absent sorts below present (stellar-core `compareBallots(unique_ptr, unique_ptr)`). */
export function compareOptionalBallots(a: Ballot | undefined, b: Ballot | undefined): number {
  if (a && b) return compareBallots(a, b)
  if (a) return 1
  if (b) return -1
  return 0
}

/** b1 ~ b2: same value. */
export function areBallotsCompatible(a: Ballot, b: Ballot): boolean {
  return a.value === b.value || equalBytes(a.value, b.value)
}

/** b1 ≤ b2 and b1 ≁ b2. */
export function areBallotsLessAndIncompatible(a: Ballot, b: Ballot): boolean {
  return compareBallots(a, b) <= 0 && !areBallotsCompatible(a, b)
}

/** b1 ≤ b2 and b1 ~ b2. */
export function areBallotsLessAndCompatible(a: Ballot, b: Ballot): boolean {
  return compareBallots(a, b) <= 0 && areBallotsCompatible(a, b)
}

const ballot = (counter: number, value: Value): Ballot => ({ counter, value })
const copyBallot = (b: Ballot): Ballot => ({ counter: b.counter, value: b.value })

const TYPE_ORDER = { prepare: 0, confirm: 1, externalize: 2, nominate: -1 } as const

/**
 * `BallotProtocol::isNewerStatement`: type order PREPARE < CONFIRM < EXTERNALIZE; within PREPARE
 * lexicographic on (b, p, p', h); within CONFIRM on (b, nPrepared, nH); an EXTERNALIZE is never
 * superseded (notes §2.4).
 */
export function isNewerBallotStatement(oldSt: Statement, st: Statement): boolean {
  const o = oldSt.pledges
  const n = st.pledges
  if (o.type !== n.type) return TYPE_ORDER[o.type] < TYPE_ORDER[n.type]
  if (n.type === 'externalize') return false
  if (n.type === 'confirm' && o.type === 'confirm') {
    const c = compareBallots(o.ballot, n.ballot)
    if (c !== 0) return c < 0
    if (o.nPrepared !== n.nPrepared) return o.nPrepared < n.nPrepared
    return o.nH < n.nH
  }
  if (n.type === 'prepare' && o.type === 'prepare') {
    let c = compareBallots(o.ballot, n.ballot)
    if (c !== 0) return c < 0
    c = compareOptionalBallots(o.prepared, n.prepared)
    if (c !== 0) return c < 0
    c = compareOptionalBallots(o.preparedPrime, n.preparedPrime)
    if (c !== 0) return c < 0
    return o.nH < n.nH
  }
  return false
}

/** `getWorkingBallot`: PREPARE → b; CONFIRM → (nCommit, b.x); EXTERNALIZE → c. */
export function workingBallot(st: Statement): Ballot {
  const p = st.pledges
  switch (p.type) {
    case 'prepare':
      return p.ballot
    case 'confirm':
      return ballot(p.nCommit, p.ballot.value)
    case 'externalize':
      return p.commit
    default:
      throw new Error(`workingBallot: expected a ballot statement, got ${p.type}`)
  }
}

/** `BallotProtocol::getStatementValues`, sorted and distinct (stellar-core returns a std::set). */
export function ballotStatementValues(st: Statement): Value[] {
  const p = st.pledges
  const values: Value[] = []
  switch (p.type) {
    case 'prepare':
      if (p.ballot.counter !== 0) values.push(p.ballot.value)
      if (p.prepared) values.push(p.prepared.value)
      if (p.preparedPrime) values.push(p.preparedPrime.value)
      break
    case 'confirm':
      values.push(p.ballot.value)
      break
    case 'externalize':
      values.push(p.commit.value)
      break
    default:
      throw new Error(`ballotStatementValues: expected a ballot statement, got ${p.type}`)
  }
  if (values.length === 1) return values
  values.sort(compareBytes)
  return values.filter((v, i) => i === 0 || !equalBytes(v, values[i - 1]!))
}

/** The counter a statement stands at for step 9 and the ballot timer: EXTERNALIZE counts as ∞. */
function statementBallotCounter(st: Statement): number {
  const p = st.pledges
  switch (p.type) {
    case 'prepare':
      return p.ballot.counter
    case 'confirm':
      return p.ballot.counter
    case 'externalize':
      return BALLOT_COUNTER_INFINITY
    default:
      throw new Error(`statementBallotCounter: expected a ballot statement, got ${p.type}`)
  }
}

/** The ballots a statement may let us accept or confirm as prepared (`getPrepareCandidates`' hints). */
function hintBallots(hint: Statement): Ballot[] {
  const h = hint.pledges
  switch (h.type) {
    case 'prepare': {
      const hints = [h.ballot]
      if (h.prepared) hints.push(h.prepared)
      if (h.preparedPrime) hints.push(h.preparedPrime)
      return hints
    }
    case 'confirm':
      return [ballot(h.nPrepared, h.ballot.value), ballot(BALLOT_COUNTER_INFINITY, h.ballot.value)]
    case 'externalize':
      return [ballot(BALLOT_COUNTER_INFINITY, h.commit.value)]
    default:
      throw new Error(`hintBallots: expected a ballot statement, got ${h.type}`)
  }
}

/** `hasPreparedBallot`: does `st` accept `prepare(b)`? */
function hasPreparedBallot(b: Ballot, st: Statement): boolean {
  const p = st.pledges
  switch (p.type) {
    case 'prepare':
      return (
        (p.prepared !== undefined && areBallotsLessAndCompatible(b, p.prepared)) ||
        (p.preparedPrime !== undefined && areBallotsLessAndCompatible(b, p.preparedPrime))
      )
    case 'confirm':
      return areBallotsLessAndCompatible(b, ballot(p.nPrepared, p.ballot.value))
    case 'externalize':
      return areBallotsCompatible(b, p.commit)
    default:
      throw new Error(`hasPreparedBallot: expected a ballot statement, got ${p.type}`)
  }
}

/** `commitPredicate`: does `st` accept `commit(⟨n, b.x⟩)` for every n in `[lo, hi]`? */
function commitPredicate(b: Ballot, [lo, hi]: Interval, st: Statement): boolean {
  const p = st.pledges
  switch (p.type) {
    case 'prepare':
      return false
    case 'confirm':
      return areBallotsCompatible(b, p.ballot) && p.nCommit <= lo && hi <= p.nH
    case 'externalize':
      return areBallotsCompatible(b, p.commit) && p.commit.counter <= lo
    default:
      throw new Error(`commitPredicate: expected a ballot statement, got ${p.type}`)
  }
}

/**
 * `findExtendedInterval`: scanning boundaries from the top, find the highest `hi` for which `pred`
 * holds on [hi, hi], then extend `lo` downwards while it still holds.
 */
function findExtendedInterval(boundaries: number[], pred: (i: Interval) => boolean): Interval {
  let candidate: Interval = [0, 0]
  for (let k = boundaries.length - 1; k >= 0; k--) {
    const b = boundaries[k]!
    let cur: Interval
    if (candidate[0] === 0)
      cur = [b, b] // first, find the high bound
    else if (b > candidate[1]) continue
    else cur = [b, candidate[1]]
    if (pred(cur)) candidate = cur
    else if (candidate[0] !== 0) break // could not extend further
  }
  return candidate
}

/** Push `b` unless the same ballot (same counter, same value object) is already there. */
function addCandidate(candidates: Ballot[], b: Ballot): void {
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!
    if (c.counter === b.counter && c.value === b.value) return
  }
  candidates.push(b)
}

function sortedDistinctBallots(list: Ballot[]): Ballot[] {
  list.sort(compareBallots)
  return list.filter((b, i) => i === 0 || compareBallots(b, list[i - 1]!) !== 0)
}

function sortedDistinctNumbers(set: Set<number>): number[] {
  return [...set].sort((a, b) => a - b)
}

function invariant(ok: boolean, op: string, expected: string, got: string): void {
  if (!ok) throw new Error(`${op}: expected ${expected}, got ${got}`)
}

/** A read-only view of the ballot state, for reports and tests. */
export interface BallotState {
  phase: BallotPhase
  ballot?: Ballot
  prepared?: Ballot
  preparedPrime?: Ballot
  high?: Ballot
  commit?: Ballot
  valueOverride?: Value
  heardFromQuorum: boolean
  timerExpirations: number
}

export class BallotProtocol {
  private heardFromQuorum = false
  private phase: BallotPhase = 'prepare'
  private current: Ballot | undefined // b
  private prepared: Ballot | undefined // p
  private preparedPrime: Ballot | undefined // p'
  private high: Ballot | undefined // h
  private commit: Ballot | undefined // c
  /** M: latest ballot statement per node. */
  readonly latest: Latest
  private valueOverride: Value | undefined // z
  private messageLevel = 0
  private timerExpCount = 0
  /** Last envelope generated (and allowed out) by this node. */
  private lastEnvelope: Envelope | undefined
  /** Last envelope emitted by this node. */
  private lastEnvelopeEmit: Envelope | undefined
  private candidatesMemo: { hint: Statement; version: number; candidates: Ballot[] } | undefined
  private heardMemo: { version: number; counter: number; heard: boolean } | undefined

  constructor(private readonly slot: Slot) {
    this.latest = new Latest((id) => slot.nodeIndex(id))
  }

  // ---- receiving ----

  /** `BallotProtocol::processEnvelope`: sanity → newer → validation level → record → advanceSlot. */
  processEnvelope(envelope: Envelope, self: boolean): 'valid' | 'invalid' {
    const st = envelope.statement
    if (!this.isStatementSane(st, self)) return 'invalid'
    if (!this.isNewerFrom(st.nodeId, st)) return 'invalid'
    const level = this.statementValidationLevel(st)
    if (level === 0) return 'invalid' // an invalid value is simply ignored
    if (this.phase !== 'externalize') {
      if (level === 1) this.slot.setFullyValidated(false) // maybeValid: not for the current ledger
      this.recordEnvelope(envelope)
      this.advanceSlot(st)
      return 'valid'
    }
    // Externalized: record only statements about the committed value (this also takes our own
    // final EXTERNALIZE).
    if (equalBytes(this.commit!.value, workingBallot(st).value)) {
      this.recordEnvelope(envelope)
      return 'valid'
    }
    return 'invalid'
  }

  /** `isStatementSane` (notes §2.3): the statement's qset resolves and is sane, and its counters agree. */
  private isStatementSane(st: Statement, self: boolean): boolean {
    const q = this.slot.getQuorumSetFromStatement(st)
    if (q === undefined || !this.slot.isSane(q)) return false
    const p = st.pledges
    switch (p.type) {
      case 'prepare': {
        // self may have b.counter = 0 (never emitted)
        let ok = self || p.ballot.counter > 0
        ok &&=
          p.preparedPrime === undefined ||
          p.prepared === undefined ||
          areBallotsLessAndIncompatible(p.preparedPrime, p.prepared)
        ok &&= p.nH === 0 || (p.prepared !== undefined && p.nH <= p.prepared.counter)
        // c ≠ 0 → c ≤ h ≤ b
        ok &&= p.nC === 0 || (p.nH !== 0 && p.ballot.counter >= p.nH && p.nH >= p.nC)
        return ok
      }
      case 'confirm':
        return p.ballot.counter > 0 && p.nH <= p.ballot.counter && p.nCommit <= p.nH
      case 'externalize':
        return p.commit.counter > 0 && p.nH >= p.commit.counter
      default:
        return false
    }
  }

  private isNewerFrom(nodeId: string, st: Statement): boolean {
    const old = this.latest.get(nodeId)
    return old === undefined || isNewerBallotStatement(old.statement, st)
  }

  /** The minimum validation level over the values a statement mentions (notes §1.10 item 9). */
  private statementValidationLevel(st: Statement): Level {
    const values = ballotStatementValues(st)
    if (values.length === 0) return 0
    let level: Level = 2
    for (const v of values) {
      if (level === 0) break
      level = minLevel(level, levelOf(this.slot.validateValue(v, false)))
    }
    return level
  }

  private recordEnvelope(envelope: Envelope): void {
    this.latest.set(envelope)
  }

  // ---- driving ----

  /** `abandonBallot(n)`: move to counter n (n = 0: counter + 1) with the composite candidate or b.x. */
  abandonBallot(n: number): boolean {
    let v = this.slot.getLatestCompositeCandidate()
    if ((v === undefined || v.length === 0) && this.current) v = this.current.value
    if (v === undefined || v.length === 0) return false
    return n === 0 ? this.bumpState(v, true) : this.bumpStateTo(v, n)
  }

  /** `bumpState(value, force)`: start at counter 1, or (force) go to counter b.n + 1. */
  bumpState(value: Value, force: boolean): boolean {
    if (!force && this.current) return false
    // uint32 arithmetic, as in stellar-core: b.n = ∞ wraps to 0 and the bump is refused below
    const n = this.current ? (this.current.counter + 1) >>> 0 : 1
    return this.bumpStateTo(value, n)
  }

  /** `bumpState(value, n)`: the new ballot is ⟨n, z⟩ if z is set (confirmed prepared / accepted commit), else ⟨n, value⟩. */
  bumpStateTo(value: Value, n: number): boolean {
    if (this.phase !== 'prepare' && this.phase !== 'confirm') return false
    const newb = ballot(n, this.valueOverride ?? value)
    const updated = this.updateCurrentValue(newb)
    if (updated) {
      this.emitCurrentStateStatement()
      this.checkHeardFromQuorum()
    }
    return updated
  }

  /** `updateCurrentValue`: never move b down, never to a ballot incompatible with c. */
  private updateCurrentValue(b: Ballot): boolean {
    if (this.phase !== 'prepare' && this.phase !== 'confirm') return false
    let updated = false
    if (!this.current) {
      this.bumpToBallot(b, true)
      updated = true
    } else {
      if (this.commit && !areBallotsCompatible(this.commit, b)) return false
      const comp = compareBallots(this.current, b)
      if (comp < 0) {
        this.bumpToBallot(b, true)
        updated = true
      } else if (comp > 0) {
        // A smaller ballot (peers not following the protocol, or a counter that wrapped): we may
        // already have statements at the higher counter, so refuse (stellar-core logs an error).
        return false
      }
    }
    this.checkInvariants()
    return updated
  }

  /** `bumpToBallot`: the lowest-level update of b; clears h and c if they no longer match b. */
  private bumpToBallot(b: Ballot, check: boolean): void {
    invariant(this.phase !== 'externalize', 'bumpToBallot', 'a slot not externalized', 'externalized')
    if (check && this.current) {
      invariant(compareBallots(b, this.current) >= 0, 'bumpToBallot', 'a ballot ≥ b', 'a smaller ballot')
    }
    const gotBumped = !this.current || this.current.counter !== b.counter
    if (!this.current) this.slot.driver.startedBallotProtocol?.(this.slot.index, copyBallot(b))
    this.current = copyBallot(b)
    // invariant: h.x = b.x, and c is set only when h is
    if (this.high && !areBallotsCompatible(this.current, this.high)) {
      this.high = undefined
      this.commit = undefined
    }
    if (gotBumped) this.heardFromQuorum = false
  }

  private startBallotProtocolTimer(): void {
    const timeout = this.slot.driver.computeTimeout(this.current!.counter, false)
    const slot = this.slot
    slot.driver.setupTimer(slot.index, 'ballot', timeout, () => {
      if (slot.isLive()) slot.ballot.ballotProtocolTimerExpired()
    })
  }

  private stopBallotProtocolTimer(): void {
    this.slot.driver.setupTimer(this.slot.index, 'ballot', 0, null)
  }

  /** Ballot timer expiry (notes §1.10 item 7): abandon the ballot, counter + 1. */
  ballotProtocolTimerExpired(): void {
    this.timerExpCount++
    this.abandonBallot(0)
  }

  private createStatement(type: 'prepare' | 'confirm' | 'externalize'): BallotPledges {
    this.checkInvariants()
    const qsetHash = this.slot.localNode.quorumSetHash
    switch (type) {
      case 'prepare': {
        const p: BallotPledges = {
          type: 'prepare',
          quorumSetHash: qsetHash,
          ballot: this.current ? copyBallot(this.current) : ballot(0, EMPTY_VALUE),
          nC: this.commit ? this.commit.counter : 0,
          nH: this.high ? this.high.counter : 0,
        }
        if (this.prepared) p.prepared = copyBallot(this.prepared)
        if (this.preparedPrime) p.preparedPrime = copyBallot(this.preparedPrime)
        return p
      }
      case 'confirm':
        return {
          type: 'confirm',
          quorumSetHash: qsetHash,
          ballot: copyBallot(this.current!),
          nPrepared: this.prepared!.counter,
          nCommit: this.commit!.counter,
          nH: this.high!.counter,
        }
      case 'externalize':
        return {
          type: 'externalize',
          commit: copyBallot(this.commit!),
          nH: this.high!.counter,
          commitQuorumSetHash: qsetHash,
        }
    }
  }

  /**
   * `emitCurrentStateStatement`: build the statement for the current state, feed it to ourselves
   * (self-processing, notes §1.10 item 3) and, if there is a ballot and it is newer than the last
   * one, make it the envelope to send; `sendLatestEnvelope` sends it once the outermost
   * `advanceSlot` returns.
   */
  private emitCurrentStateStatement(): void {
    const envelope = this.slot.createEnvelope(this.createStatement(this.phase))
    const canEmit = this.current !== undefined
    // If we generate the same statement again (h moved but only h.n is on the wire), don't
    // process it again. stellar-core compares whole envelopes; comparing statements differs only
    // for a driver whose signatures are not deterministic, where stellar-core would throw.
    const last = this.latest.get(this.slot.localNode.nodeId)
    if (last !== undefined && statementsEqual(last.statement, envelope.statement)) return
    if (this.slot.processEnvelope(envelope, true) !== 'valid') {
      // the application considers a statement we queued for ourselves invalid: a bug
      throw new Error('emitCurrentStateStatement: expected our own statement to be valid, got invalid')
    }
    if (
      canEmit &&
      (!this.lastEnvelope || isNewerBallotStatement(this.lastEnvelope.statement, envelope.statement))
    ) {
      this.lastEnvelope = envelope
      // no-op when called from advanceSlot, which sends once at the end
      this.sendLatestEnvelope()
    }
  }

  /** `checkInvariants`: b.n ≠ 0; p' < p and p' ≁ p; h ≤ b, h ~ b; c ≤ h ≤ b, compatible; CONFIRM/EXTERNALIZE have b, p, c, h. */
  private checkInvariants(): void {
    const op = 'checkInvariants'
    if (this.phase !== 'prepare') {
      invariant(
        !!(this.current && this.prepared && this.commit && this.high),
        op,
        'b, p, c and h set in CONFIRM/EXTERNALIZE',
        'a missing one',
      )
    }
    if (this.current) invariant(this.current.counter !== 0, op, 'b.counter ≠ 0', '0')
    if (this.prepared && this.preparedPrime) {
      invariant(
        areBallotsLessAndIncompatible(this.preparedPrime, this.prepared),
        op,
        "p' < p, p' ≁ p",
        'otherwise',
      )
    }
    if (this.high) {
      invariant(
        !!this.current && areBallotsLessAndCompatible(this.high, this.current),
        op,
        'h ≤ b, h ~ b',
        'otherwise',
      )
    }
    if (this.commit) {
      invariant(!!this.current && !!this.high, op, 'b and h set with c', 'missing')
      invariant(areBallotsLessAndCompatible(this.commit, this.high!), op, 'c ≤ h, c ~ h', 'otherwise')
      invariant(areBallotsLessAndCompatible(this.high!, this.current!), op, 'h ≤ b, h ~ b', 'otherwise')
    }
  }

  /**
   * `getPrepareCandidates`: ballots the hint may let us accept or confirm as prepared: from the
   * hint's ballots, every ballot in M that is below and compatible with one of them.
   */
  private getPrepareCandidates(hint: Statement): Ballot[] {
    // steps 1 and 2 ask for the same hint; reuse the answer while M is unchanged
    const memo = this.candidatesMemo
    if (memo !== undefined && memo.hint === hint && memo.version === this.latest.version)
      return memo.candidates
    const hints = hintBallots(hint)
    // the same ballot usually comes from many nodes: keep one (exact duplicates by object identity
    // here, equal contents in sortedDistinctBallots)
    const candidates: Ballot[] = []
    const add = addCandidate
    for (const top of hints) {
      for (const k of this.latest.records.values()) {
        const p = k.envelope.statement.pledges
        switch (p.type) {
          case 'prepare':
            if (areBallotsLessAndCompatible(p.ballot, top)) add(candidates, p.ballot)
            if (p.prepared && areBallotsLessAndCompatible(p.prepared, top)) add(candidates, p.prepared)
            if (p.preparedPrime && areBallotsLessAndCompatible(p.preparedPrime, top))
              add(candidates, p.preparedPrime)
            break
          case 'confirm':
            if (areBallotsCompatible(top, p.ballot)) {
              add(candidates, top)
              if (p.nPrepared < top.counter) add(candidates, ballot(p.nPrepared, top.value))
            }
            break
          case 'externalize':
            if (areBallotsCompatible(top, p.commit)) add(candidates, top)
            break
          default:
            break
        }
      }
    }
    const result = sortedDistinctBallots(candidates)
    this.candidatesMemo = { hint, version: this.latest.version, candidates: result }
    return result
  }

  /** Step 8 helper: raise b to h if b < h. */
  private updateCurrentIfNeeded(h: Ballot): boolean {
    if (!this.current || compareBallots(this.current, h) < 0) {
      this.bumpToBallot(h, true)
      return true
    }
    return false
  }

  /** Steps 1 and 5: accept `prepare(b)` for the highest candidate that raises p or p'. */
  private attemptAcceptPrepared(hint: Statement): boolean {
    if (this.phase !== 'prepare' && this.phase !== 'confirm') return false
    // Every candidate is ≤ and compatible with one of the hint's ballots: when each of those is
    // already below p' or covered by p (or, in CONFIRM, cannot raise p), every candidate would be
    // skipped below, so skip collecting them (same outcome as stellar-core, sooner).
    if (hintBallots(hint).every((top) => this.cannotRaisePrepared(top))) return false
    const candidates = this.getPrepareCandidates(hint)
    for (let i = candidates.length - 1; i >= 0; i--) {
      const b = candidates[i]!
      if (this.phase === 'confirm') {
        // only a ballot that may raise p (here p ~ c)
        if (!areBallotsLessAndCompatible(this.prepared!, b)) continue
        invariant(
          areBallotsCompatible(this.commit!, b),
          'attemptAcceptPrepared',
          'a candidate ~ c',
          'otherwise',
        )
      }
      // b ≤ p' is a candidate for neither p nor p'
      if (this.preparedPrime && compareBallots(b, this.preparedPrime) <= 0) continue
      // already covered by p
      if (this.prepared && areBallotsLessAndCompatible(b, this.prepared)) continue
      const accepted = this.federatedAccept(
        (st) => {
          // does st vote for prepare(b)?
          const p = st.pledges
          switch (p.type) {
            case 'prepare':
              return areBallotsLessAndCompatible(b, p.ballot)
            case 'confirm':
              return areBallotsCompatible(b, p.ballot)
            case 'externalize':
              return areBallotsCompatible(b, p.commit)
            default:
              return false
          }
        },
        (st) => hasPreparedBallot(b, st),
      )
      if (accepted) return this.setAcceptPrepared(b)
    }
    return false
  }

  /** True if no ballot ≤ and compatible with `top` passes attemptAcceptPrepared's filters. */
  private cannotRaisePrepared(top: Ballot): boolean {
    if (this.preparedPrime && compareBallots(top, this.preparedPrime) <= 0) return true
    if (this.prepared && areBallotsLessAndCompatible(top, this.prepared)) return true
    if (this.phase === 'confirm') {
      // only ballots b with p ≤ b, b ~ p: impossible below a top that is incompatible or below p
      return !areBallotsCompatible(this.prepared!, top) || compareBallots(top, this.prepared!) < 0
    }
    return false
  }

  private setAcceptPrepared(b: Ballot): boolean {
    let didWork = this.setPrepared(b)
    // clear c if h is now below and incompatible with p or p'
    if (this.commit && this.high) {
      if (
        (this.prepared && areBallotsLessAndIncompatible(this.high, this.prepared)) ||
        (this.preparedPrime && areBallotsLessAndIncompatible(this.high, this.preparedPrime))
      ) {
        invariant(this.phase === 'prepare', 'setAcceptPrepared', 'PREPARE phase when clearing c', this.phase)
        this.commit = undefined
        didWork = true
      }
    }
    if (didWork) {
      this.slot.driver.acceptedBallotPrepared?.(this.slot.index, copyBallot(b))
      this.emitCurrentStateStatement()
    }
    return didWork
  }

  /** Steps 2, 3 and 8: raise h to the highest ratified candidate; set c if possible; b ≥ h. */
  private attemptConfirmPrepared(hint: Statement): boolean {
    if (this.phase !== 'prepare') return false
    if (!this.prepared) return false
    // candidates are ≤ the hint's ballots: if those are all ≤ h, none can raise h
    const high = this.high
    if (high && hintBallots(hint).every((top) => compareBallots(high, top) >= 0)) return false
    const candidates = this.getPrepareCandidates(hint)
    let i = candidates.length - 1
    let newH: Ballot | undefined
    for (; i >= 0; i--) {
      const b = candidates[i]!
      // only a ballot that may raise h
      if (this.high && compareBallots(this.high, b) >= 0) break
      if (this.federatedRatify((st) => hasPreparedBallot(b, st))) {
        newH = b
        break
      }
    }
    if (newH === undefined) return false
    let newC = ballot(0, EMPTY_VALUE)
    // step (3): look for c, continuing from newH downwards
    const b = this.current ?? ballot(0, EMPTY_VALUE)
    if (
      !this.commit &&
      (!this.prepared || !areBallotsLessAndIncompatible(newH, this.prepared)) &&
      (!this.preparedPrime || !areBallotsLessAndIncompatible(newH, this.preparedPrime))
    ) {
      for (; i >= 0; i--) {
        const cur = candidates[i]!
        if (compareBallots(cur, b) < 0) break
        if (!areBallotsLessAndCompatible(cur, newH)) continue // c and h must be compatible
        if (this.federatedRatify((st) => hasPreparedBallot(cur, st))) newC = cur
        else break
      }
    }
    return this.setConfirmPrepared(newC, newH)
  }

  private setConfirmPrepared(newC: Ballot, newH: Ballot): boolean {
    let didWork = false
    this.valueOverride = newH.value // remember h's value
    // c and h are only set on a compatible ballot
    if (!this.current || areBallotsCompatible(this.current, newH)) {
      if (!this.high || compareBallots(newH, this.high) > 0) {
        didWork = true
        this.high = copyBallot(newH)
      }
      if (newC.counter !== 0) {
        invariant(!this.commit, 'setConfirmPrepared', 'c unset', 'c set')
        this.commit = copyBallot(newC)
        didWork = true
      }
      if (didWork) this.slot.driver.confirmedBallotPrepared?.(this.slot.index, copyBallot(newH))
    }
    // always perform step (8) with the computed value of h
    didWork = this.updateCurrentIfNeeded(newH) || didWork
    if (didWork) this.emitCurrentStateStatement()
    return didWork
  }

  /** `getCommitBoundariesFromStatements`: the counters bounding the commit intervals on b.x. */
  private getCommitBoundaries(b: Ballot): number[] {
    const res = new Set<number>()
    for (const k of this.latest.records.values()) {
      const p = k.envelope.statement.pledges
      switch (p.type) {
        case 'prepare':
          if (areBallotsCompatible(b, p.ballot) && p.nC !== 0) {
            res.add(p.nC)
            res.add(p.nH)
          }
          break
        case 'confirm':
          if (areBallotsCompatible(b, p.ballot)) {
            res.add(p.nCommit)
            res.add(p.nH)
          }
          break
        case 'externalize':
          if (areBallotsCompatible(b, p.commit)) {
            res.add(p.commit.counter)
            res.add(p.nH)
            res.add(BALLOT_COUNTER_INFINITY)
          }
          break
        default:
          break
      }
    }
    return sortedDistinctNumbers(res)
  }

  /** Steps 4, 6 and 8: accept `commit` for the highest interval [c, h] on the hint's value. */
  private attemptAcceptCommit(hint: Statement): boolean {
    if (this.phase !== 'prepare' && this.phase !== 'confirm') return false
    const h = hint.pledges
    let b: Ballot
    switch (h.type) {
      case 'prepare':
        if (h.nC === 0) return false
        b = ballot(h.nH, h.ballot.value)
        break
      case 'confirm':
        b = ballot(h.nH, h.ballot.value)
        break
      case 'externalize':
        b = ballot(h.nH, h.commit.value)
        break
      default:
        return false
    }
    if (this.phase === 'confirm' && !areBallotsCompatible(b, this.high!)) return false
    const boundaries = this.getCommitBoundaries(b)
    if (boundaries.length === 0) return false
    // in CONFIRM only a higher h counts, and an interval never ends above the highest boundary
    if (this.phase === 'confirm' && boundaries[boundaries.length - 1]! <= this.high!.counter) return false
    const [lo, hi] = findExtendedInterval(boundaries, (cur: Interval): boolean =>
      this.federatedAccept(
        (st) => {
          // does st vote for commit over [lo, hi]?
          const p = st.pledges
          switch (p.type) {
            case 'prepare':
              return areBallotsCompatible(b, p.ballot) && p.nC !== 0 && p.nC <= cur[0] && cur[1] <= p.nH
            case 'confirm':
              return areBallotsCompatible(b, p.ballot) && p.nCommit <= cur[0]
            case 'externalize':
              return areBallotsCompatible(b, p.commit) && p.commit.counter <= cur[0]
            default:
              return false
          }
        },
        (st) => commitPredicate(b, cur, st),
      ),
    )
    if (lo === 0) return false
    if (this.phase !== 'confirm' || hi > this.high!.counter) {
      return this.setAcceptCommit(ballot(lo, b.value), ballot(hi, b.value))
    }
    return false
  }

  private setAcceptCommit(c: Ballot, h: Ballot): boolean {
    let didWork = false
    this.valueOverride = h.value // remember h's value
    if (
      !this.high ||
      !this.commit ||
      compareBallots(this.high, h) !== 0 ||
      compareBallots(this.commit, c) !== 0
    ) {
      this.commit = copyBallot(c)
      this.high = copyBallot(h)
      didWork = true
    }
    if (this.phase === 'prepare') {
      this.phase = 'confirm'
      if (this.current && !areBallotsLessAndCompatible(h, this.current)) this.bumpToBallot(h, false)
      this.preparedPrime = undefined
      didWork = true
    }
    if (didWork) {
      this.updateCurrentIfNeeded(this.high!)
      this.slot.driver.acceptedCommit?.(this.slot.index, copyBallot(h))
      this.emitCurrentStateStatement()
    }
    return didWork
  }

  private hasVBlockingSubsetStrictlyAheadOf(n: number): boolean {
    return this.slot.isVBlockingWhere(this.latest, (st) => statementBallotCounter(st) > n)
  }

  /**
   * Step 9: if the nodes with a counter above ours are v-blocking, move to the lowest counter n at
   * which that is no longer true (draft-05 §3.6, fourth counter rule; EXTERNALIZE counts as ∞).
   */
  private attemptBump(): boolean {
    if (this.phase !== 'prepare' && this.phase !== 'confirm') return false
    const localCounter = this.current ? this.current.counter : 0
    if (!this.hasVBlockingSubsetStrictlyAheadOf(localCounter)) return false
    const counters = new Set<number>()
    for (const k of this.latest.records.values()) {
      const c = statementBallotCounter(k.envelope.statement)
      if (c > localCounter) counters.add(c)
    }
    for (const n of sortedDistinctNumbers(counters)) {
      if (!this.hasVBlockingSubsetStrictlyAheadOf(n)) return this.abandonBallot(n)
    }
    return false
  }

  /** Steps 7 and 8: confirm `commit` for the highest interval; externalize. */
  private attemptConfirmCommit(hint: Statement): boolean {
    if (this.phase !== 'confirm') return false
    if (!this.high || !this.commit) return false
    const h = hint.pledges
    let b: Ballot
    switch (h.type) {
      case 'confirm':
        b = ballot(h.nH, h.ballot.value)
        break
      case 'externalize':
        b = ballot(h.nH, h.commit.value)
        break
      default:
        return false
    }
    if (!areBallotsCompatible(b, this.commit)) return false
    const boundaries = this.getCommitBoundaries(b)
    const [lo, hi] = findExtendedInterval(boundaries, (cur) =>
      this.federatedRatify((st) => commitPredicate(b, cur, st)),
    )
    if (lo === 0) return false
    return this.setConfirmCommit(ballot(lo, b.value), ballot(hi, b.value))
  }

  private setConfirmCommit(c: Ballot, h: Ballot): boolean {
    // the final check before committing: the driver must still consider the value valid
    const level = this.slot.validateValue(c.value, false)
    if (level === 'invalid') {
      throw new Error('setConfirmCommit: expected a valid value to confirm commit, got invalid')
    }
    this.commit = copyBallot(c)
    this.high = copyBallot(h)
    this.updateCurrentIfNeeded(this.high)
    this.phase = 'externalize'
    this.emitCurrentStateStatement()
    this.slot.stopNomination()
    this.slot.driver.valueExternalized(this.slot.index, this.commit.value)
    return true
  }

  /** p and p' are the two highest accepted-prepared ballots, p' ≁ p. */
  private setPrepared(b: Ballot): boolean {
    let didWork = false
    if (this.prepared) {
      const comp = compareBallots(this.prepared, b)
      if (comp < 0) {
        // replacing p: the old p becomes p' if incompatible
        if (!areBallotsCompatible(this.prepared, b)) this.preparedPrime = this.prepared
        this.prepared = copyBallot(b)
        didWork = true
      } else if (comp > 0) {
        // maybe update p': it was unset, or b is above it and incompatible with p
        if (
          !this.preparedPrime ||
          (compareBallots(this.preparedPrime, b) < 0 && !areBallotsCompatible(this.prepared, b))
        ) {
          this.preparedPrime = copyBallot(b)
          didWork = true
        }
      }
    } else {
      this.prepared = copyBallot(b)
      didWork = true
    }
    return didWork
  }

  /**
   * `advanceSlot`: try steps 1–8 with the statement as a hint, in the paper's order; at the
   * outermost level also step 9 and the heard-from-quorum check; send our latest envelope once the
   * outermost call returns (one emission per input, notes §1.10 item 1).
   */
  private advanceSlot(hint: Statement): void {
    this.messageLevel++
    if (this.messageLevel >= MAX_ADVANCE_SLOT_RECURSION) {
      throw new Error(
        `advanceSlot: expected fewer than ${MAX_ADVANCE_SLOT_RECURSION} transitions for one message, got more`,
      )
    }
    let didWork = false
    didWork = this.attemptAcceptPrepared(hint) || didWork
    didWork = this.attemptConfirmPrepared(hint) || didWork
    didWork = this.attemptAcceptCommit(hint) || didWork
    didWork = this.attemptConfirmCommit(hint) || didWork
    // only bump after everything else
    if (this.messageLevel === 1) {
      while (this.attemptBump()) didWork = true
      this.checkHeardFromQuorum()
    }
    this.messageLevel--
    if (didWork) this.sendLatestEnvelope()
  }

  /** Emission gate: only at message level 0, only when the slot is fully validated, only if new. */
  private sendLatestEnvelope(): void {
    if (this.messageLevel === 0 && this.lastEnvelope && this.slot.isFullyValidated()) {
      if (this.lastEnvelope !== this.lastEnvelopeEmit) {
        this.lastEnvelopeEmit = this.lastEnvelope
        this.slot.driver.emitEnvelope(this.lastEnvelopeEmit)
      }
    }
  }

  /**
   * `checkHeardFromQuorum` (notes §1.10 item 7, stellar-core PR #1549): arm the ballot timer once a
   * quorum is at a counter ≥ ours (CONFIRM and EXTERNALIZE count as ∞); cancel it otherwise, and
   * after externalizing.
   */
  private checkHeardFromQuorum(): void {
    if (!this.current) return
    const counter = this.current.counter
    // the answer depends only on M and b.counter: reuse it while both are unchanged
    let heard: boolean
    const memo = this.heardMemo
    if (memo !== undefined && memo.version === this.latest.version && memo.counter === counter)
      heard = memo.heard
    else {
      heard = this.slot.isQuorumWhere(this.latest, (st) => {
        const p = st.pledges
        return p.type === 'prepare' ? counter <= p.ballot.counter : true
      })
      this.heardMemo = { version: this.latest.version, counter, heard }
    }
    if (heard) {
      const old = this.heardFromQuorum
      this.heardFromQuorum = true
      if (!old) {
        // from not heard to heard: start the timer
        this.slot.driver.ballotDidHearFromQuorum?.(this.slot.index, copyBallot(this.current))
        if (this.phase !== 'externalize') this.startBallotProtocolTimer()
      }
      if (this.phase === 'externalize') this.stopBallotProtocolTimer()
    } else {
      this.heardFromQuorum = false
      this.stopBallotProtocolTimer()
    }
  }

  private federatedAccept(voted: Predicate, accepted: Predicate): boolean {
    return this.slot.federatedAccept(voted, accepted, this.latest)
  }

  private federatedRatify(voted: Predicate): boolean {
    return this.slot.federatedRatify(voted, this.latest)
  }

  // ---- restore and reporting ----

  /**
   * Restore own state after a crash (`BallotProtocol::setStateFromEnvelope`): rebuild b, p, p', h,
   * c and the phase from our own last statement (EXTERNALIZE sets b = p = ⟨∞, x⟩). Not re-emitted.
   */
  setStateFromEnvelope(envelope: Envelope): void {
    if (this.current) {
      throw new Error('setStateFromEnvelope: expected no ballot yet, got a started ballot protocol')
    }
    this.recordEnvelope(envelope)
    this.lastEnvelope = envelope
    this.lastEnvelopeEmit = envelope
    const p = envelope.statement.pledges
    switch (p.type) {
      case 'prepare':
        this.bumpToBallot(p.ballot, true)
        if (p.prepared) this.prepared = copyBallot(p.prepared)
        if (p.preparedPrime) this.preparedPrime = copyBallot(p.preparedPrime)
        if (p.nH) this.high = ballot(p.nH, p.ballot.value)
        if (p.nC) this.commit = ballot(p.nC, p.ballot.value)
        this.phase = 'prepare'
        break
      case 'confirm': {
        const v = p.ballot.value
        this.bumpToBallot(p.ballot, true)
        this.prepared = ballot(p.nPrepared, v)
        this.high = ballot(p.nH, v)
        this.commit = ballot(p.nCommit, v)
        this.phase = 'confirm'
        break
      }
      case 'externalize': {
        const v = p.commit.value
        this.bumpToBallot(ballot(BALLOT_COUNTER_INFINITY, v), true)
        this.prepared = ballot(BALLOT_COUNTER_INFINITY, v)
        this.high = ballot(p.nH, v)
        this.commit = copyBallot(p.commit)
        this.phase = 'externalize'
        break
      }
      default:
        throw new Error(`setStateFromEnvelope: expected a ballot statement, got ${p.type}`)
    }
  }

  /** Latest envelopes in M; our own only if the slot is fully validated (or `forceSelf`). */
  processCurrentState(f: (e: Envelope) => boolean, forceSelf: boolean): boolean {
    for (const [id, k] of this.latest.records) {
      if (forceSelf || id !== this.slot.localNode.nodeId || this.slot.isFullyValidated()) {
        if (!f(k.envelope)) return false
      }
    }
    return true
  }

  getLatestMessage(nodeId: string): Envelope | undefined {
    return this.latest.get(nodeId)
  }

  /** The envelope this node last emitted (undefined if none). */
  getLastMessageSend(): Envelope | undefined {
    return this.lastEnvelopeEmit
  }

  /** Statements that helped externalize: peers' statements on the committed value, and ours. */
  getExternalizingState(): Envelope[] {
    if (this.phase !== 'externalize') return []
    const res: Envelope[] = []
    for (const [id, k] of this.latest.records) {
      if (id !== this.slot.localNode.nodeId) {
        if (areBallotsCompatible(workingBallot(k.envelope.statement), this.commit!)) res.push(k.envelope)
      } else if (this.slot.isFullyValidated()) {
        res.push(k.envelope)
      }
    }
    return res
  }

  getState(): BallotState {
    const s: BallotState = {
      phase: this.phase,
      heardFromQuorum: this.heardFromQuorum,
      timerExpirations: this.timerExpCount,
    }
    if (this.current) s.ballot = copyBallot(this.current)
    if (this.prepared) s.prepared = copyBallot(this.prepared)
    if (this.preparedPrime) s.preparedPrime = copyBallot(this.preparedPrime)
    if (this.high) s.high = copyBallot(this.high)
    if (this.commit) s.commit = copyBallot(this.commit)
    if (this.valueOverride) s.valueOverride = this.valueOverride
    return s
  }
}

function ballotsEqual(a: Ballot | undefined, b: Ballot | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.counter === b.counter && equalBytes(a.value, b.value)
}

/** Field-by-field equality of two statements. */
export function statementsEqual(a: Statement, b: Statement): boolean {
  if (a.nodeId !== b.nodeId || a.slotIndex !== b.slotIndex) return false
  const x = a.pledges
  const y = b.pledges
  switch (x.type) {
    case 'prepare':
      return (
        y.type === 'prepare' &&
        equalBytes(x.quorumSetHash, y.quorumSetHash) &&
        ballotsEqual(x.ballot, y.ballot) &&
        ballotsEqual(x.prepared, y.prepared) &&
        ballotsEqual(x.preparedPrime, y.preparedPrime) &&
        x.nC === y.nC &&
        x.nH === y.nH
      )
    case 'confirm':
      return (
        y.type === 'confirm' &&
        equalBytes(x.quorumSetHash, y.quorumSetHash) &&
        ballotsEqual(x.ballot, y.ballot) &&
        x.nPrepared === y.nPrepared &&
        x.nCommit === y.nCommit &&
        x.nH === y.nH
      )
    case 'externalize':
      return (
        y.type === 'externalize' &&
        equalBytes(x.commitQuorumSetHash, y.commitQuorumSetHash) &&
        ballotsEqual(x.commit, y.commit) &&
        x.nH === y.nH
      )
    case 'nominate':
      return (
        y.type === 'nominate' &&
        equalBytes(x.quorumSetHash, y.quorumSetHash) &&
        x.votes.length === y.votes.length &&
        x.accepted.length === y.accepted.length &&
        x.votes.every((v, i) => equalBytes(v, y.votes[i]!)) &&
        x.accepted.every((v, i) => equalBytes(v, y.accepted[i]!))
      )
  }
}
