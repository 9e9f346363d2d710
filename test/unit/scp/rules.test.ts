/**
 * One test per protocol rule the ported stellar-core scenarios do not isolate: statement sanity,
 * "is newer" ordering, validation levels, emission gates, the EXTERNALIZE singleton quorum set,
 * restore, purge, the driver notifications, and peer input that must never throw.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sha256, toHex, utf8 } from '../../../src/core/codec/index.js'
import {
  BALLOT_COUNTER_INFINITY,
  type Envelope,
  isNewerBallotStatement,
  isNewerNomination,
  type QuorumSet,
  quorumSetHash,
  type Statement,
} from '../../../src/core/scp/index.js'
import {
  B,
  makeConfirm,
  makeExternalize,
  makeNominate,
  makePrepare,
  makeValues,
  TestScp,
  verifyPrepare,
} from './helpers/test-driver.js'

const { x, y, z, k } = makeValues()
const INF = BALLOT_COUNTER_INFINITY
const qSet: QuorumSet = { threshold: 2, validators: ['v0', 'v1', 'v2'], innerSets: [] }
const qSetHash = quorumSetHash(qSet)
const core5: QuorumSet = { threshold: 4, validators: ['v0', 'v1', 'v2', 'v3', 'v4'], innerSets: [] }
const core5Hash = quorumSetHash(core5)

const node = (q = qSet) => {
  const scp = new TestScp('v0', q)
  scp.storeQuorumSet(q)
  return scp
}
const st = (e: Envelope): Statement => e.statement

describe('ballot statement sanity (BallotProtocol::isStatementSane)', () => {
  const cases: [string, Envelope][] = [
    ['PREPARE with b.counter = 0 from a peer', makePrepare('v1', qSetHash, 0n, B(0, x))],
    ["PREPARE with p' above p", makePrepare('v1', qSetHash, 0n, B(3, x), B(1, x), 0, 0, B(2, y))],
    ["PREPARE with p' compatible with p", makePrepare('v1', qSetHash, 0n, B(3, x), B(2, x), 0, 0, B(1, x))],
    ['PREPARE with nH but no p', makePrepare('v1', qSetHash, 0n, B(3, x), undefined, 0, 1)],
    ['PREPARE with nH above p.counter', makePrepare('v1', qSetHash, 0n, B(3, x), B(1, x), 0, 2)],
    ['PREPARE with nC but no nH', makePrepare('v1', qSetHash, 0n, B(3, x), B(2, x), 1, 0)],
    ['PREPARE with nC above nH', makePrepare('v1', qSetHash, 0n, B(3, x), B(3, x), 3, 2)],
    ['PREPARE with nH above b.counter', makePrepare('v1', qSetHash, 0n, B(2, x), B(3, x), 1, 3)],
    ['CONFIRM with b.counter = 0', makeConfirm('v1', qSetHash, 0n, 0, B(0, x), 0, 0)],
    ['CONFIRM with nH above b.counter', makeConfirm('v1', qSetHash, 0n, 2, B(2, x), 1, 3)],
    ['CONFIRM with nCommit above nH', makeConfirm('v1', qSetHash, 0n, 2, B(2, x), 2, 1)],
    ['EXTERNALIZE with commit.counter = 0', makeExternalize('v1', qSetHash, 0n, B(0, x), 1)],
    ['EXTERNALIZE with nH below commit.counter', makeExternalize('v1', qSetHash, 0n, B(2, x), 1)],
    ['PREPARE naming an unknown quorum set', makePrepare('v1', sha256(utf8('unknown')), 0n, B(1, x))],
  ]
  for (const [name, e] of cases) {
    it(`refuses a ${name}, and records nothing`, () => {
      const scp = node()
      expect(scp.receiveEnvelope(e)).toBe('invalid')
      expect(scp.scp.getCurrentEnvelope(0n, 'v1')).toBeUndefined()
    })
  }

  it('refuses a PREPARE whose quorum set is known but insane', () => {
    const scp = node()
    const bad: QuorumSet = { threshold: 0, validators: ['v1'], innerSets: [] }
    scp.storeQuorumSet(bad)
    expect(scp.receiveEnvelope(makePrepare('v1', quorumSetHash(bad), 0n, B(1, x)))).toBe('invalid')
  })

  it('accepts the well-formed variants of the same statements', () => {
    const scp = node()
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(3, x), B(2, y), 0, 0, B(1, x)))).toBe(
      'valid',
    )
    expect(scp.receiveEnvelope(makeConfirm('v2', qSetHash, 0n, 2, B(3, z), 1, 3))).toBe('valid')
    expect(scp.receiveEnvelope(makeExternalize('v3', qSetHash, 0n, B(2, z), 2))).toBe('valid')
  })

  it('resolves the quorum set of an EXTERNALIZE as the singleton {sender}, whatever hash it names', () => {
    const scp = node()
    expect(scp.receiveEnvelope(makeExternalize('v1', sha256(utf8('not a qset')), 0n, B(1, x), 1))).toBe(
      'valid',
    )
    // and the singleton satisfies its own slice: two EXTERNALIZE senders are a quorum for v0's {2 of 3}
    expect(scp.receiveEnvelope(makeExternalize('v2', sha256(utf8('other')), 0n, B(1, x), 1))).toBe('valid')
    // v0 has no ballot: v1, v2 are v-blocking (accept commit), then a quorum of singletons (confirm)
    expect(scp.externalizedValues.get(0n)).toEqual(x)
    expect(scp.scp.getSlotState(0n)?.ballot.phase).toBe('externalize')
  })
})

describe('NOMINATE sanity (NominationProtocol::isSane)', () => {
  it('refuses an empty nomination, unsorted votes and duplicate values', () => {
    const scp = node()
    const bad = (votes: Uint8Array[], accepted: Uint8Array[]) =>
      scp.receiveEnvelope({
        statement: {
          nodeId: 'v1',
          slotIndex: 0n,
          pledges: { type: 'nominate', quorumSetHash: qSetHash, votes, accepted },
        },
        signature: new Uint8Array(0),
      })
    const [lo, hi] = [x, y]
    expect(bad([], [])).toBe('invalid')
    expect(bad([hi, lo], [])).toBe('invalid')
    expect(bad([lo, lo], [])).toBe('invalid')
    expect(bad([lo], [hi, lo])).toBe('invalid')
    expect(bad([lo, hi], [hi])).toBe('valid')
  })

  it('records a NOMINATE before nomination starts, without acting on it', () => {
    const scp = node()
    expect(scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], []))).toBe('valid')
    expect(scp.receiveEnvelope(makeNominate('v2', qSetHash, 0n, [x], [x]))).toBe('valid')
    expect(scp.envs.length).toBe(0)
    expect(scp.scp.getSlotState(0n)?.nomination.votes).toEqual([])
  })
})

describe('statement order (isNewerStatement)', () => {
  const P = (b: number, p?: number, pp?: number, nH = 0, nC = 0) =>
    st(
      makePrepare(
        'v1',
        qSetHash,
        0n,
        B(b, y),
        p === undefined ? undefined : B(p, y),
        nC,
        nH,
        pp === undefined ? undefined : B(pp, x),
      ),
    )
  it('orders PREPARE by (b, p, p′, h) and ignores c', () => {
    expect(isNewerBallotStatement(P(1), P(2))).toBe(true)
    expect(isNewerBallotStatement(P(2), P(1))).toBe(false)
    expect(isNewerBallotStatement(P(2), P(2, 1))).toBe(true) // absent p sorts below
    expect(isNewerBallotStatement(P(2, 1), P(2, 2))).toBe(true)
    expect(isNewerBallotStatement(P(2, 2), P(2, 2, 1))).toBe(true)
    expect(isNewerBallotStatement(P(2, 2, 1), P(2, 2, 1, 1))).toBe(true)
    expect(isNewerBallotStatement(P(2, 2, 1, 1), P(2, 2, 1, 1, 1))).toBe(false) // only nC differs
    expect(isNewerBallotStatement(P(2), P(2))).toBe(false)
  })
  it('orders by value when counters tie', () => {
    const a = st(makePrepare('v1', qSetHash, 0n, B(1, x)))
    const b = st(makePrepare('v1', qSetHash, 0n, B(1, y)))
    expect(isNewerBallotStatement(a, b)).toBe(true)
    expect(isNewerBallotStatement(b, a)).toBe(false)
  })
  it('orders types PREPARE < CONFIRM < EXTERNALIZE, and never supersedes an EXTERNALIZE', () => {
    const prep = P(9, 9)
    const conf = st(makeConfirm('v1', qSetHash, 0n, 1, B(1, x), 1, 1))
    const ext = st(makeExternalize('v1', qSetHash, 0n, B(1, x), 1))
    const ext2 = st(makeExternalize('v1', qSetHash, 0n, B(1, x), 5))
    expect(isNewerBallotStatement(prep, conf)).toBe(true)
    expect(isNewerBallotStatement(conf, prep)).toBe(false)
    expect(isNewerBallotStatement(conf, ext)).toBe(true)
    expect(isNewerBallotStatement(ext, ext2)).toBe(false)
  })
  it('orders CONFIRM by (b, nPrepared, nH) and ignores nCommit', () => {
    const C = (b: number, nP: number, nC: number, nH: number) =>
      st(makeConfirm('v1', qSetHash, 0n, nP, B(b, x), nC, nH))
    expect(isNewerBallotStatement(C(2, 1, 1, 1), C(3, 1, 1, 1))).toBe(true)
    expect(isNewerBallotStatement(C(3, 1, 1, 1), C(3, 2, 1, 1))).toBe(true)
    expect(isNewerBallotStatement(C(3, 2, 1, 1), C(3, 2, 1, 2))).toBe(true)
    expect(isNewerBallotStatement(C(3, 2, 1, 2), C(3, 2, 2, 2))).toBe(false)
  })
  it('supersedes a NOMINATE only by supersets that grew', () => {
    const N = (votes: Uint8Array[], accepted: Uint8Array[]) => {
      const p = makeNominate('v1', qSetHash, 0n, votes, accepted).statement.pledges
      if (p.type !== 'nominate') throw new Error('unreachable')
      return p
    }
    expect(isNewerNomination(N([x], []), N([x, y], []))).toBe(true)
    expect(isNewerNomination(N([x], []), N([x], [x]))).toBe(true)
    expect(isNewerNomination(N([x], [x]), N([x], [x]))).toBe(false)
    expect(isNewerNomination(N([x, y], []), N([x, z], []))).toBe(false)
    expect(isNewerNomination(N([x], [x]), N([x, y], []))).toBe(false)
  })
  it('refuses a received statement that is not newer than the sender’s last one', () => {
    const scp = node()
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(2, x)))).toBe('valid')
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(2, x)))).toBe('invalid')
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, z)))).toBe('invalid')
    expect(scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x, y], []))).toBe('valid')
    expect(scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], []))).toBe('invalid')
  })
})

describe('validation levels', () => {
  it('drops a statement with an invalid value and records nothing (stellar-core "non-tx-set-invalid")', () => {
    const scp = node()
    scp.validateValueOverride = (_s, v) => (toHex(v) === toHex(x) ? 'invalid' : 'fullyValidated')
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x)))).toBe('invalid')
    expect(scp.scp.getCurrentEnvelope(0n, 'v1')).toBeUndefined()
    // the minimum over all values decides: a valid b with an invalid p is dropped too
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(2, y), B(1, x)))).toBe('invalid')
    expect(scp.envs).toEqual([])
  })

  it('does not emit a ballot for a maybe-valid value (stellar-core "non-current ledger value")', () => {
    const scp = node()
    scp.validateValueOverride = () => 'maybeValid'
    expect(scp.bumpState(0n, x)).toBe(true)
    expect(scp.envs.length).toBe(0)
    expect(scp.scp.isSlotFullyValidated(0n)).toBe(false)
    // the statement exists, it is just not sent
    verifyPrepare(scp.getCurrentEnvelope(0n, 'v0'), 'v0', scp.scp.getLocalQuorumSetHash(), 0n, B(1, x))
    expect(scp.scp.getLatestMessagesSend(0n)).toEqual([])
  })

  it('marks the slot not fully validated when a peer statement is only maybe-valid', () => {
    const scp = node()
    expect(scp.bumpState(0n, y)).toBe(true)
    expect(scp.envs.length).toBe(1)
    scp.validateValueOverride = (_s, v) => (toHex(v) === toHex(x) ? 'maybeValid' : 'fullyValidated')
    expect(scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x)))).toBe('valid')
    expect(scp.scp.isSlotFullyValidated(0n)).toBe(false)
    // v-blocking prepared x would change our statement, but nothing more is emitted
    scp.receiveEnvelope(makePrepare('v2', qSetHash, 0n, B(1, x), B(1, x)))
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x), B(1, x)))
    expect(scp.envs.length).toBe(1)
    const mine = scp.getCurrentEnvelope(0n, 'v0').statement.pledges
    expect(mine.type === 'prepare' && mine.prepared?.counter).toBe(1)
  })
})

describe('emission gates', () => {
  it('never emits as a watcher (non-validator), and refuses to nominate', () => {
    const scp = new TestScp('w', qSet, false)
    expect(scp.bumpState(0n, x)).toBe(true)
    expect(scp.envs).toEqual([])
    expect(() => scp.nominate(0n, x, false)).toThrow(/nominate: expected a validator/)
  })

  it('emits one envelope per input: the latest state only', () => {
    // {2 of v0, v1, v2}: v1's CONFIRM alone lets v0 (with itself) accept and confirm prepared,
    // accept commit and confirm commit: four transitions, one envelope (the EXTERNALIZE)
    const scp = node()
    expect(scp.bumpState(0n, x)).toBe(true)
    expect(scp.envs.length).toBe(1)
    scp.receiveEnvelope(makeConfirm('v1', qSetHash, 0n, 1, B(1, x), 1, 1))
    expect(scp.envs.length).toBe(2)
    expect(scp.envs[1]!.statement.pledges.type).toBe('externalize')
    expect(scp.externalizedValues.get(0n)).toEqual(x)
    scp.receiveEnvelope(makeConfirm('v2', qSetHash, 0n, 1, B(1, x), 1, 1))
    expect(scp.envs.length).toBe(2)
  })

  it('after externalizing, records only statements about the committed value', () => {
    const scp = node()
    scp.bumpState(0n, x)
    scp.receiveEnvelope(makeExternalize('v1', qSetHash, 0n, B(1, x), 1))
    scp.receiveEnvelope(makeExternalize('v2', qSetHash, 0n, B(1, x), 1))
    expect(scp.externalizedValues.get(0n)).toEqual(x)
    // v9 is not in v0's set; its statement is still recorded if (and only if) it is about x
    expect(scp.receiveEnvelope(makePrepare('v9', qSetHash, 0n, B(5, y)))).toBe('invalid')
    expect(scp.receiveEnvelope(makePrepare('v9', qSetHash, 0n, B(5, x)))).toBe('valid')
    expect(scp.envs.length).toBe(2) // PREPARE, EXTERNALIZE: nothing more
  })
})

describe('quorum without self (LocalNode::isQuorum)', () => {
  it('confirms from the statements of others alone when they satisfy the local set', () => {
    // v0 has no ballot; v1..v4 (4 of 5 without v0) are a quorum for v0's {4 of 5}
    const scp = node(core5)
    for (const id of ['v1', 'v2', 'v3', 'v4'])
      scp.receiveEnvelope(makeExternalize(id, core5Hash, 0n, B(1, x), 1))
    expect(scp.externalizedValues.get(0n)).toEqual(x)
  })
  it('drops nodes whose own slices are not satisfied (transitive check)', () => {
    // v1 and v2 require v5 and v6, who never speak: their PREPAREs do not make a quorum for v0
    const far: QuorumSet = { threshold: 3, validators: ['v1', 'v2', 'v5', 'v6'], innerSets: [] }
    const scp = node()
    scp.storeQuorumSet(far)
    scp.bumpState(0n, x)
    scp.receiveEnvelope(makePrepare('v1', quorumSetHash(far), 0n, B(1, x)))
    scp.receiveEnvelope(makePrepare('v2', quorumSetHash(far), 0n, B(1, x)))
    expect(scp.envs.length).toBe(1) // not accepted prepared
    expect(scp.heardFromQuorums.get(0n)).toBeUndefined()
  })
})

describe('timers', () => {
  it('arms the nomination timer with computeTimeout(round), and its expiry starts the next round', () => {
    const scp = node()
    scp.priorityLookup = (n) => (n === 'v1' ? 1000n : 1n) // v1 leads: v0 has nothing to vote for
    expect(scp.nominate(0n, x, false)).toBe(false)
    expect(scp.calls).toEqual(['setupTimer:nomination:1000'])
    expect(scp.scp.getSlotState(0n)?.nomination.round).toBe(1)
    // (TestScp's priorities ignore the round: change them, or every round would elect v1 again)
    scp.priorityLookup = (n) => (n === 'v2' ? 1000n : 1n)
    scp.timers.get('nomination')!.callback!()
    expect(scp.calls).toEqual(['setupTimer:nomination:1000', 'setupTimer:nomination:2000'])
    expect(scp.scp.getSlotState(0n)?.nomination.round).toBe(2)
  })

  it('cancels the ballot timer with a null callback once it loses the quorum-at-our-counter', () => {
    const scp = node()
    scp.bumpState(0n, x)
    // no quorum at counter 1 yet: cancelled by the self-processing and again by bumpState
    expect(scp.calls).toEqual(['setupTimer:ballot:cancel', 'setupTimer:ballot:cancel'])
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, y)))
    // v0 and v1 at counter 1: a quorum → timer armed for counter 1
    expect(scp.calls.at(-1)).toBe('setupTimer:ballot:1000')
    expect(scp.hasBallotTimer()).toBe(true)
    // expiry: abandon ballot → counter 2; the quorum at ≥ 2 is gone → cancelled
    scp.getBallotProtocolTimer().callback!()
    const mine = scp.envs.at(-1)!.statement.pledges
    expect(mine.type === 'prepare' && mine.ballot.counter).toBe(2)
    expect(scp.calls.at(-1)).toBe('setupTimer:ballot:cancel')
    expect(scp.hasBallotTimer()).toBe(false)
  })
})

describe('driver notifications', () => {
  it('reports the ballot milestones in protocol order', () => {
    const scp = node()
    scp.bumpState(0n, x)
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x)))
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x), B(1, x)))
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x), B(1, x), 1, 1))
    scp.receiveEnvelope(makeConfirm('v1', qSetHash, 0n, 1, B(1, x), 1, 1))
    const hx = toHex(x).slice(0, 6)
    expect(scp.notes).toEqual([
      'startedBallotProtocol 0 1',
      // steps 1–8 run before the heard-from-quorum check at the end of advanceSlot
      'acceptedBallotPrepared 0 1',
      'ballotDidHearFromQuorum 0 1',
      'confirmedBallotPrepared 0 1',
      'acceptedCommit 0 1',
      // a CONFIRM also votes and accepts prepare(⟨∞, x⟩)
      `acceptedBallotPrepared 0 ${INF}`,
      `valueExternalized 0 ${hx}`,
    ])
  })

  it('reports nominating and candidate values, and bumps to the composite', () => {
    const scp = node()
    scp.expectedCandidates = [x]
    scp.compositeValue = k
    scp.nominate(0n, x, false)
    scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], [x]))
    scp.receiveEnvelope(makeNominate('v2', qSetHash, 0n, [x], [x]))
    expect(scp.notes).toEqual([
      `nominatingValue 0 ${toHex(x).slice(0, 6)}`,
      `updatedCandidateValue 0 ${toHex(k).slice(0, 6)}`,
      'startedBallotProtocol 0 1',
    ])
    // the PREPARE goes out before the NOMINATE whose self-processing produced the candidate
    expect(scp.envs.map((e) => e.statement.pledges.type)).toEqual(['nominate', 'prepare', 'nominate'])
    verifyPrepare(scp.envs[1], 'v0', scp.scp.getLocalQuorumSetHash(), 0n, B(1, k))
    expect(scp.getLatestCompositeCandidate(0n)).toEqual(k)
  })

  it('does not start balloting when the driver cannot combine the candidates', () => {
    const scp = node()
    scp.nominate(0n, x, false)
    scp.combineCandidates = () => undefined
    scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], [x]))
    scp.receiveEnvelope(makeNominate('v2', qSetHash, 0n, [x], [x]))
    expect(scp.scp.getSlotState(0n)?.nomination.candidates).toEqual([x])
    expect(scp.getLatestCompositeCandidate(0n)).toBeUndefined()
    expect(scp.scp.getSlotState(0n)?.ballot.ballot).toBeUndefined()
  })
})

describe('restore (setStateFromEnvelope)', () => {
  it('rebuilds the ballot state from our own statement without re-emitting it', () => {
    const scp = node()
    const h0 = scp.scp.getLocalQuorumSetHash()
    scp.scp.setStateFromEnvelope(0n, makeConfirm('v0', h0, 0n, 3, B(4, x), 2, 3))
    expect(scp.envs).toEqual([])
    expect(scp.scp.getSlotState(0n)?.ballot).toMatchObject({
      phase: 'confirm',
      ballot: B(4, x),
      prepared: B(3, x),
      commit: B(2, x),
      high: B(3, x),
    })
    expect(scp.scp.getLatestMessagesSend(0n).map(st)).toEqual([
      makeConfirm('v0', h0, 0n, 3, B(4, x), 2, 3).statement,
    ])
  })

  it('restores EXTERNALIZE as b = p = ⟨∞, x⟩', () => {
    const scp = node()
    scp.scp.setStateFromEnvelope(0n, makeExternalize('v0', scp.scp.getLocalQuorumSetHash(), 0n, B(2, x), 3))
    expect(scp.scp.getSlotState(0n)?.ballot).toMatchObject({
      phase: 'externalize',
      ballot: B(INF, x),
      prepared: B(INF, x),
      high: B(3, x),
      commit: B(2, x),
    })
  })

  it('refuses to restore over a started ballot protocol or nomination', () => {
    const scp = node()
    scp.bumpState(0n, x)
    expect(() => scp.scp.setStateFromEnvelope(0n, makePrepare('v0', qSetHash, 0n, B(2, x)))).toThrow(
      /setStateFromEnvelope: expected no ballot yet/,
    )
    scp.nominate(1n, x, false)
    expect(() => scp.scp.setStateFromEnvelope(1n, makeNominate('v0', qSetHash, 1n, [y], []))).toThrow(
      /expected nomination not started/,
    )
  })

  it('ignores another node’s envelope or another slot’s', () => {
    const scp = node()
    scp.scp.setStateFromEnvelope(0n, makePrepare('v1', qSetHash, 0n, B(2, x)))
    scp.scp.setStateFromEnvelope(0n, makePrepare('v0', qSetHash, 1n, B(2, x)))
    expect(scp.scp.getSlotState(0n)?.ballot.ballot).toBeUndefined()
    expect(scp.scp.getCurrentEnvelope(0n, 'v1')).toBeUndefined()
  })
})

describe('slots', () => {
  it('purgeSlots forgets slots below the bound except the one to keep', () => {
    const scp = node()
    for (let i = 1n; i <= 5n; i++) scp.receiveEnvelope(makePrepare('v1', qSetHash, i, B(1, x)))
    scp.scp.purgeSlots(4n, 2n)
    expect(scp.scp.getKnownSlots()).toEqual([2n, 4n, 5n])
  })

  it('a timer of a purged slot does nothing when it fires', () => {
    const scp = node()
    scp.priorityLookup = (n) => (n === 'v1' ? 1000n : 1n)
    scp.nominate(1n, x, false)
    const cb = scp.timers.get('nomination')!.callback!
    scp.scp.purgeSlots(2n, 0n)
    cb()
    expect(scp.scp.getKnownSlots()).toEqual([])
    expect(scp.calls).toEqual(['setupTimer:nomination:1000'])
  })

  it('answers empty for slots it does not know', () => {
    const scp = node()
    expect(scp.scp.getNominationLeaders(7n)).toEqual(new Set())
    expect(scp.scp.getLatestMessagesSend(7n)).toEqual([])
    expect(scp.scp.getLatestCompositeCandidate(7n)).toBeUndefined()
    expect(scp.scp.getCurrentEnvelope(7n, 'v0')).toBeUndefined()
    expect(scp.scp.getKnownSlots()).toEqual([])
  })

  it('getLatestMessagesSend returns the last NOMINATE and ballot envelope emitted', () => {
    const scp = node()
    scp.expectedCandidates = [x]
    scp.compositeValue = x
    scp.nominate(0n, x, false)
    scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], [x]))
    scp.receiveEnvelope(makeNominate('v2', qSetHash, 0n, [x], [x]))
    const sent = scp.scp.getLatestMessagesSend(0n)
    expect(sent.map((e) => e.statement.pledges.type)).toEqual(['nominate', 'prepare'])
    const nominations = scp.envs.filter((e) => e.statement.pledges.type === 'nominate')
    expect(sent[0]).toBe(nominations.at(-1))
    expect(sent[1]).toBe(scp.envs.filter((e) => e.statement.pledges.type === 'prepare').at(-1))
  })

  it('getCurrentEnvelope prefers the ballot statement over the NOMINATE', () => {
    const scp = node()
    scp.receiveEnvelope(makeNominate('v1', qSetHash, 0n, [x], []))
    expect(scp.scp.getCurrentEnvelope(0n, 'v1')?.statement.pledges.type).toBe('nominate')
    scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, B(1, x)))
    expect(scp.scp.getCurrentEnvelope(0n, 'v1')?.statement.pledges.type).toBe('prepare')
  })
})

describe('own statements from the network', () => {
  it('are refused, so a replayed or forged statement in our name cannot overwrite our state', () => {
    const scp = node()
    scp.bumpState(0n, x)
    const h0 = scp.scp.getLocalQuorumSetHash()
    expect(scp.receiveEnvelope(makePrepare('v0', h0, 0n, B(1, x)))).toBe('invalid')
    expect(scp.receiveEnvelope(makePrepare('v0', h0, 0n, B(9, y)))).toBe('invalid')
    verifyPrepare(scp.getCurrentEnvelope(0n, 'v0'), 'v0', h0, 0n, B(1, x))
  })
})

describe('peer input never throws', () => {
  const junk = fc.oneof(
    fc.anything(),
    fc.record({
      statement: fc.record({
        nodeId: fc.oneof(fc.constantFrom('v1', 'v2', 'v0'), fc.anything()),
        slotIndex: fc.oneof(fc.bigInt({ min: -2n, max: 3n }), fc.anything()),
        pledges: fc.oneof(
          fc.record({
            type: fc.constantFrom('prepare', 'confirm', 'externalize', 'nominate', 'bogus'),
            quorumSetHash: fc.oneof(fc.constant(qSetHash), fc.uint8Array({ maxLength: 40 })),
            commitQuorumSetHash: fc.oneof(fc.constant(qSetHash), fc.anything()),
            ballot: fc.record({
              counter: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.double()),
              value: fc.constantFrom(x, y, z),
            }),
            prepared: fc.option(
              fc.record({ counter: fc.integer({ min: 0, max: 4 }), value: fc.constantFrom(x, y) }),
              {
                nil: undefined,
              },
            ),
            commit: fc.record({ counter: fc.integer({ min: 0, max: 4 }), value: fc.constantFrom(x, y) }),
            votes: fc.array(fc.constantFrom(x, y, z), { maxLength: 3 }),
            accepted: fc.array(fc.oneof(fc.constantFrom(x, y, z), fc.anything()), { maxLength: 3 }),
            nC: fc.integer({ min: 0, max: 4 }),
            nH: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(INF), fc.constant(2 ** 40)),
            nPrepared: fc.integer({ min: 0, max: 4 }),
            nCommit: fc.integer({ min: 0, max: 4 }),
          }),
          fc.anything(),
        ),
      }),
      signature: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.anything()),
    }),
  )
  it('answers valid or invalid for any object, in any order, and keeps working', () => {
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 12 }), (envelopes) => {
        const scp = node()
        scp.bumpState(0n, x)
        for (const e of envelopes) {
          expect(['valid', 'invalid']).toContain(scp.scp.receiveEnvelope(e as Envelope))
        }
      }),
      { numRuns: 300 },
    )
  })
})
