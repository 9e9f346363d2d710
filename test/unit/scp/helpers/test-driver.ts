/**
 * A port of stellar-core's `TestSCP` (src/scp/test/SCPTests.cpp): a driver that records emitted
 * envelopes, externalized values and heard-from-quorum events, keeps timers in a table with a
 * virtual offset, uses fixed priorities (1000 for the local node, 1 for others) and value hashes
 * (0) to make leader election predictable, and checks `combineCandidates` against expectations.
 */
import { expect } from 'vitest'
import { compareBytes, sha256, toHex, utf8 } from '../../../../src/core/codec/index.js'
import {
  type Ballot,
  type Envelope,
  type Hash,
  type NodeId,
  type QuorumSet,
  quorumSetHash,
  Scp,
  type ScpDriver,
  type Statement,
  type TimerId,
  type ValidationLevel,
  type Value,
} from '../../../../src/core/scp/index.js'

export interface TimerData {
  absoluteTimeout: number
  callback: (() => void) | null
}

/** stellar-core `HerderSCPDriver::MAX_TIMEOUT_MS`. */
const MAX_TIMEOUT_MS = 30 * 60 * 1000

export class TestScp implements ScpDriver {
  readonly scp: Scp
  initialBallotTimeoutMs = 1000
  incrementBallotTimeoutMs = 1000
  initialNominationTimeoutMs = 1000
  incrementNominationTimeoutMs = 1000

  priorityLookup: (n: NodeId) => bigint
  hashValueCalculator: (v: Value) => bigint = () => 0n
  validateValueOverride: ((slot: bigint, v: Value, nomination: boolean) => ValidationLevel) | undefined

  readonly quorumSets = new Map<string, QuorumSet>()
  readonly envs: Envelope[] = []
  readonly externalizedValues = new Map<bigint, Value>()
  readonly heardFromQuorums = new Map<bigint, Ballot[]>()
  expectedCandidates: Value[] = []
  compositeValue: Value = new Uint8Array(0)
  readonly timers = new Map<TimerId, TimerData>()
  currentTimerOffset = 0
  /** Timer calls, in order. */
  readonly calls: string[] = []
  /** Optional notifications, in order. */
  readonly notes: string[] = []

  constructor(nodeId: NodeId, qset: QuorumSet, isValidator = true) {
    this.scp = new Scp(this, nodeId, isValidator, qset)
    this.priorityLookup = (n) => (n === this.scp.nodeId ? 1000n : 1n)
    this.storeQuorumSet(this.scp.getLocalQuorumSet())
  }

  storeQuorumSet(q: QuorumSet): void {
    this.quorumSets.set(toHex(quorumSetHash(q)), q)
  }

  signEnvelope(_e: Envelope): void {}

  getQuorumSet(hash: Hash): QuorumSet | undefined {
    return this.quorumSets.get(toHex(hash))
  }

  validateValue(slot: bigint, value: Value, nomination: boolean): ValidationLevel {
    return this.validateValueOverride ? this.validateValueOverride(slot, value, nomination) : 'fullyValidated'
  }

  extractValidValue(): Value | undefined {
    return undefined
  }

  nominatingValue(slot: bigint, value: Value): void {
    this.notes.push(`nominatingValue ${slot} ${toHex(value).slice(0, 6)}`)
  }

  updatedCandidateValue(slot: bigint, value: Value): void {
    this.notes.push(`updatedCandidateValue ${slot} ${toHex(value).slice(0, 6)}`)
  }

  startedBallotProtocol(slot: bigint, b: Ballot): void {
    this.notes.push(`startedBallotProtocol ${slot} ${b.counter}`)
  }

  acceptedBallotPrepared(slot: bigint, b: Ballot): void {
    this.notes.push(`acceptedBallotPrepared ${slot} ${b.counter}`)
  }

  confirmedBallotPrepared(slot: bigint, b: Ballot): void {
    this.notes.push(`confirmedBallotPrepared ${slot} ${b.counter}`)
  }

  acceptedCommit(slot: bigint, b: Ballot): void {
    this.notes.push(`acceptedCommit ${slot} ${b.counter}`)
  }

  ballotDidHearFromQuorum(slot: bigint, ballot: Ballot): void {
    this.notes.push(`ballotDidHearFromQuorum ${slot} ${ballot.counter}`)
    const list = this.heardFromQuorums.get(slot) ?? []
    list.push(ballot)
    this.heardFromQuorums.set(slot, list)
  }

  valueExternalized(slot: bigint, value: Value): void {
    this.notes.push(`valueExternalized ${slot} ${toHex(value).slice(0, 6)}`)
    if (this.externalizedValues.has(slot)) throw new Error('Value already externalized')
    this.externalizedValues.set(slot, value)
  }

  emitEnvelope(e: Envelope): void {
    this.envs.push(e)
  }

  /** Used to test the ballot protocol, bypassing nomination (TestSCP::bumpState). */
  bumpState(slot: bigint, v: Value): boolean {
    return this.scp.bumpState(slot, v, true)
  }

  /** TestSCP::nominate: the previous value is the value itself. */
  nominate(slot: bigint, v: Value, timedOut: boolean): boolean {
    return this.scp.nominate(slot, v, v, timedOut)
  }

  combineCandidates(_slot: bigint, candidates: Value[]): Value | undefined {
    const expected = [...this.expectedCandidates].sort(compareBytes)
    expect(candidates.map(toHex)).toEqual(expected.map(toHex))
    expect(this.compositeValue.length).toBeGreaterThan(0)
    return this.compositeValue
  }

  computeHashNode(_slot: bigint, _prev: Value, isPriority: boolean, _round: number, nodeId: NodeId): bigint {
    return isPriority ? this.priorityLookup(nodeId) : 0n
  }

  computeValueHash(_slot: bigint, _prev: Value, _round: number, value: Value): bigint {
    return this.hashValueCalculator(value)
  }

  computeTimeout(round: number, isNomination: boolean): number {
    const initial = isNomination ? this.initialNominationTimeoutMs : this.initialBallotTimeoutMs
    const increment = isNomination ? this.incrementNominationTimeoutMs : this.incrementBallotTimeoutMs
    return Math.min(initial + (round - 1) * increment, MAX_TIMEOUT_MS)
  }

  setupTimer(_slot: bigint, timerId: TimerId, timeoutMs: number, callback: (() => void) | null): void {
    this.calls.push(`setupTimer:${timerId}:${callback ? timeoutMs : 'cancel'}`)
    this.timers.set(timerId, {
      absoluteTimeout: this.currentTimerOffset + (callback ? timeoutMs : 0),
      callback,
    })
  }

  stopTimer(_slot: bigint, timerId: TimerId): void {
    this.calls.push(`stopTimer:${timerId}`)
    this.timers.delete(timerId)
  }

  getBallotProtocolTimer(): TimerData {
    return this.timers.get('ballot') ?? { absoluteTimeout: 0, callback: null }
  }

  /** Pretend time moved forward by more than any timeout. */
  bumpTimerOffset(): number {
    this.currentTimerOffset += 5 * 3600 * 1000
    return this.currentTimerOffset
  }

  /** A ballot timer exists (in the past or the future). */
  hasBallotTimer(): boolean {
    return this.getBallotProtocolTimer().callback !== null
  }

  /** The ballot timer is scheduled in the future (i.e. it was (re)armed after the last bump). */
  hasBallotTimerUpcoming(): boolean {
    expect(this.hasBallotTimer()).toBe(true)
    return this.currentTimerOffset < this.getBallotProtocolTimer().absoluteTimeout
  }

  getLatestCompositeCandidate(slot: bigint): Value | undefined {
    return this.scp.getLatestCompositeCandidate(slot)
  }

  receiveEnvelope(e: Envelope): 'valid' | 'invalid' {
    return this.scp.receiveEnvelope(e)
  }

  getCurrentEnvelope(slot: bigint, id: NodeId): Envelope {
    const e = this.scp.getCurrentEnvelope(slot, id)
    if (!e) throw new Error('not found')
    return e
  }

  getNominationLeaders(slot: bigint): Set<NodeId> {
    return this.scp.getNominationLeaders(slot)
  }
}

// ---- values: x < y < z < zz; k independent (setupValues) ----

export function makeValues(seed = 'SEED_VALUE_DATA'): { x: Value; y: Value; z: Value; zz: Value; k: Value } {
  const v = [0, 1, 2, 3].map((i) => sha256(utf8(`${seed}/${i}`))).sort(compareBytes)
  return { x: v[0]!, y: v[1]!, z: v[2]!, zz: v[3]!, k: sha256(utf8(seed)) }
}

// ---- statement makers (makeEnvelope and friends) ----

export function makeEnvelope(nodeId: NodeId, slotIndex: bigint, pledges: Statement['pledges']): Envelope {
  return { statement: { nodeId, slotIndex, pledges }, signature: new Uint8Array(0) }
}

export function makeExternalize(
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  commit: Ballot,
  nH: number,
): Envelope {
  return makeEnvelope(node, slot, { type: 'externalize', commit, nH, commitQuorumSetHash: qsetHash })
}

export function makeConfirm(
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  prepareCounter: number,
  b: Ballot,
  nC: number,
  nH: number,
): Envelope {
  return makeEnvelope(node, slot, {
    type: 'confirm',
    ballot: b,
    nPrepared: prepareCounter,
    nCommit: nC,
    nH,
    quorumSetHash: qsetHash,
  })
}

export function makePrepare(
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  ballot: Ballot,
  prepared?: Ballot,
  nC = 0,
  nH = 0,
  preparedPrime?: Ballot,
): Envelope {
  const pledges: Statement['pledges'] = { type: 'prepare', quorumSetHash: qsetHash, ballot, nC, nH }
  if (prepared) pledges.prepared = prepared
  if (preparedPrime) pledges.preparedPrime = preparedPrime
  return makeEnvelope(node, slot, pledges)
}

export function makeNominate(
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  votes: Value[],
  accepted: Value[],
): Envelope {
  return makeEnvelope(node, slot, {
    type: 'nominate',
    quorumSetHash: qsetHash,
    votes: [...votes].sort(compareBytes),
    accepted: [...accepted].sort(compareBytes),
  })
}

/** A readable form of a statement, so a failing comparison says what differs. */
export function show(e: Envelope | undefined): string {
  if (!e) return '(none)'
  const b = (x: Ballot | undefined) => (x ? `(${x.counter},${toHex(x.value).slice(0, 6)})` : '-')
  const p = e.statement.pledges
  const head = `${e.statement.nodeId}@${e.statement.slotIndex}`
  switch (p.type) {
    case 'prepare':
      return `${head} PREPARE b=${b(p.ballot)} p=${b(p.prepared)} p'=${b(p.preparedPrime)} nC=${p.nC} nH=${p.nH}`
    case 'confirm':
      return `${head} CONFIRM b=${b(p.ballot)} nP=${p.nPrepared} nC=${p.nCommit} nH=${p.nH}`
    case 'externalize':
      return `${head} EXTERNALIZE c=${b(p.commit)} nH=${p.nH}`
    case 'nominate':
      return `${head} NOMINATE X=[${p.votes.map((v) => toHex(v).slice(0, 6))}] Y=[${p.accepted.map((v) => toHex(v).slice(0, 6))}]`
  }
}

export function verifyPrepare(
  actual: Envelope | undefined,
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  ballot: Ballot,
  prepared?: Ballot,
  nC = 0,
  nH = 0,
  preparedPrime?: Ballot,
): void {
  const exp = makePrepare(node, qsetHash, slot, ballot, prepared, nC, nH, preparedPrime)
  expect(show(actual)).toBe(show(exp))
  expect(actual!.statement).toEqual(exp.statement)
}

export function verifyConfirm(
  actual: Envelope | undefined,
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  nPrepared: number,
  b: Ballot,
  nC: number,
  nH: number,
): void {
  const exp = makeConfirm(node, qsetHash, slot, nPrepared, b, nC, nH)
  expect(show(actual)).toBe(show(exp))
  expect(actual!.statement).toEqual(exp.statement)
}

export function verifyExternalize(
  actual: Envelope | undefined,
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  commit: Ballot,
  nH: number,
): void {
  const exp = makeExternalize(node, qsetHash, slot, commit, nH)
  expect(show(actual)).toBe(show(exp))
  expect(actual!.statement).toEqual(exp.statement)
}

export function verifyNominate(
  actual: Envelope | undefined,
  node: NodeId,
  qsetHash: Hash,
  slot: bigint,
  votes: Value[],
  accepted: Value[],
): void {
  const exp = makeNominate(node, qsetHash, slot, votes, accepted)
  expect(show(actual)).toBe(show(exp))
  expect(actual!.statement).toEqual(exp.statement)
}

export const B = (counter: number, value: Value): Ballot => ({ counter, value })

/** stellar-core's testTimeouts matrix: MinimumSorobanNetworkConfig, initial, maximum (CAP-0070). */
export const TIMEOUT_CONFIGS = [
  { name: 'minimum values', nomination: [750, 750], ballot: [750, 750] },
  { name: 'initial values', nomination: [1000, 1000], ballot: [1000, 1000] },
  { name: 'maximum values', nomination: [2500, 2000], ballot: [2500, 2000] },
] as const

export function applyTimeouts(scp: TestScp, c: (typeof TIMEOUT_CONFIGS)[number]): void {
  scp.initialNominationTimeoutMs = c.nomination[0]
  scp.incrementNominationTimeoutMs = c.nomination[1]
  scp.initialBallotTimeoutMs = c.ballot[0]
  scp.incrementBallotTimeoutMs = c.ballot[1]
}
