/**
 * Port of stellar-core's "ballot protocol core5" test case (src/scp/test/SCPTests.cpp at a9b86132):
 * a 5-node network with threshold 4 (v-blocking size 2, quorum = 3 others + self or 4 others) driven
 * statement by statement through PREPARE, CONFIRM and EXTERNALIZE, v-blocking bumps, timeouts,
 * restore and a watcher node. Numbers in comments are the steps of the paper's ballot protocol.
 * Each Catch2 SECTION path is one test, under each of the three timeout settings (CAP-0070 minimum,
 * initial and maximum network values).
 */
import { describe, expect } from 'vitest'
import {
  BALLOT_COUNTER_INFINITY,
  type Ballot,
  type Envelope,
  type Hash,
  type NodeId,
  quorumSetHash,
} from '../../../src/core/scp/index.js'
import { sectionTests } from './helpers/sections.js'
import {
  applyTimeouts,
  B,
  makeConfirm,
  makeExternalize,
  makePrepare,
  makeValues,
  TestScp,
  TIMEOUT_CONFIGS,
  verifyConfirm,
  verifyExternalize,
  verifyPrepare,
} from './helpers/test-driver.js'

const INF = BALLOT_COUNTER_INFINITY
const { x, y, z, zz } = makeValues()

type Gen = (node: NodeId) => Envelope
const makePrepareGen =
  (qsetHash: Hash, ballot: Ballot, prepared?: Ballot, nC = 0, nH = 0, preparedPrime?: Ballot): Gen =>
  (node) =>
    makePrepare(node, qsetHash, 0n, ballot, prepared, nC, nH, preparedPrime)
const makeConfirmGen =
  (qsetHash: Hash, prepareCounter: number, b: Ballot, nC: number, nH: number): Gen =>
  (node) =>
    makeConfirm(node, qsetHash, 0n, prepareCounter, b, nC, nH)
const makeExternalizeGen =
  (qsetHash: Hash, commit: Ballot, nH: number): Gen =>
  (node) =>
    makeExternalize(node, qsetHash, 0n, commit, nH)

describe('ballot protocol core5 (stellar-core SCPTests.cpp)', () => {
  sectionTests((section) => {
    // we need 5 nodes to avoid sharing various thresholds:
    // v-blocking set size: 2
    // threshold: 4 = 3 + self or 4 others
    const qSet = { threshold: 4, validators: ['v0', 'v1', 'v2', 'v3', 'v4'], innerSets: [] }
    const qSetHash = quorumSetHash(qSet)

    for (const cfg of TIMEOUT_CONFIGS) {
      section(cfg.name, () => {
        const scp = new TestScp('v0', qSet)
        applyTimeouts(scp, cfg)
        scp.storeQuorumSet(qSet)
        const qSetHash0 = scp.scp.getLocalQuorumSetHash()

        const recvVBlockingChecks = (gen: Gen, withChecks: boolean): void => {
          const e1 = gen('v1')
          const e2 = gen('v2')
          scp.bumpTimerOffset()
          // nothing should happen with first message
          let i = scp.envs.length
          scp.receiveEnvelope(e1)
          if (withChecks) expect(scp.envs.length).toBe(i)
          i++
          scp.receiveEnvelope(e2)
          if (withChecks) expect(scp.envs.length).toBe(i)
        }
        const recvVBlocking = (gen: Gen): void => recvVBlockingChecks(gen, true)

        const recvQuorumChecksEx = (
          gen: Gen,
          withChecks: boolean,
          delayedQuorum: boolean,
          checkUpcoming: boolean,
        ): void => {
          const e1 = gen('v1')
          const e2 = gen('v2')
          const e3 = gen('v3')
          const e4 = gen('v4')
          scp.bumpTimerOffset()
          scp.receiveEnvelope(e1)
          scp.receiveEnvelope(e2)
          const i = scp.envs.length + 1
          scp.receiveEnvelope(e3)
          if (withChecks && !delayedQuorum) expect(scp.envs.length).toBe(i)
          if (checkUpcoming && !delayedQuorum) expect(scp.hasBallotTimerUpcoming()).toBe(true)
          // nothing happens with an extra vote (unless we're in delayedQuorum)
          scp.receiveEnvelope(e4)
          if (withChecks && delayedQuorum) expect(scp.envs.length).toBe(i)
          if (checkUpcoming && delayedQuorum) expect(scp.hasBallotTimerUpcoming()).toBe(true)
        }
        // doesn't check timers
        const recvQuorumChecks = (gen: Gen, withChecks: boolean, delayedQuorum: boolean): void =>
          recvQuorumChecksEx(gen, withChecks, delayedQuorum, false)
        // checks enabled, no delayed quorum
        const recvQuorumEx = (gen: Gen, checkUpcoming: boolean): void =>
          recvQuorumChecksEx(gen, true, false, checkUpcoming)
        // checks enabled, no delayed quorum, no check timers
        const recvQuorum = (gen: Gen): void => recvQuorumEx(gen, false)

        const nodesAllPledgeToCommit = (): void => {
          const b = B(1, x)
          const prepare1 = makePrepare('v1', qSetHash, 0n, b)
          const prepare2 = makePrepare('v2', qSetHash, 0n, b)
          const prepare3 = makePrepare('v3', qSetHash, 0n, b)
          const prepare4 = makePrepare('v4', qSetHash, 0n, b)

          expect(scp.bumpState(0n, x)).toBe(true)
          expect(scp.envs.length).toBe(1)
          verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, b)

          scp.receiveEnvelope(prepare1)
          expect(scp.envs.length).toBe(1)
          expect(scp.heardFromQuorums.get(0n)?.length ?? 0).toBe(0)

          scp.receiveEnvelope(prepare2)
          expect(scp.envs.length).toBe(1)
          expect(scp.heardFromQuorums.get(0n)?.length ?? 0).toBe(0)

          scp.receiveEnvelope(prepare3)
          expect(scp.envs.length).toBe(2)
          expect(scp.heardFromQuorums.get(0n)?.length ?? 0).toBe(1)
          expect(scp.heardFromQuorums.get(0n)![0]).toEqual(b)

          // We have a quorum including us
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, b, b)

          scp.receiveEnvelope(prepare4)
          expect(scp.envs.length).toBe(2)

          const prepared1 = makePrepare('v1', qSetHash, 0n, b, b)
          const prepared2 = makePrepare('v2', qSetHash, 0n, b, b)
          const prepared3 = makePrepare('v3', qSetHash, 0n, b, b)
          const prepared4 = makePrepare('v4', qSetHash, 0n, b, b)

          scp.receiveEnvelope(prepared4)
          scp.receiveEnvelope(prepared3)
          expect(scp.envs.length).toBe(2)

          scp.receiveEnvelope(prepared2)
          expect(scp.envs.length).toBe(3)

          // confirms prepared
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, b, b, b.counter, b.counter)

          // extra statement doesn't do anything
          scp.receiveEnvelope(prepared1)
          expect(scp.envs.length).toBe(3)
        }

        section('bumpState x', () => {
          expect(scp.bumpState(0n, x)).toBe(true)
          expect(scp.envs.length).toBe(1)

          const expectedBallot = B(1, x)

          verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, expectedBallot)
        })

        section('start <1,x>', () => {
          // no timer is set
          expect(scp.hasBallotTimer()).toBe(false)

          const aValue = x
          const bValue = z
          const midValue = y
          const bigValue = zz

          const A1 = B(1, aValue)
          const B1 = B(1, bValue)
          const Mid1 = B(1, midValue)
          const Big1 = B(1, bigValue)

          let A2 = B(A1.counter, A1.value)
          A2 = B(A2.counter + 1, A2.value)

          let A3 = B(A2.counter, A2.value)
          A3 = B(A3.counter + 1, A3.value)

          let A4 = B(A3.counter, A3.value)
          A4 = B(A4.counter + 1, A4.value)

          let A5 = B(A4.counter, A4.value)
          A5 = B(A5.counter + 1, A5.value)

          const AInf = B(INF, aValue)
          const BInf = B(INF, bValue)

          let B2 = B(B1.counter, B1.value)
          B2 = B(B2.counter + 1, B2.value)

          let B3 = B(B2.counter, B2.value)
          B3 = B(B3.counter + 1, B3.value)

          let Mid2 = B(Mid1.counter, Mid1.value)
          Mid2 = B(Mid2.counter + 1, Mid2.value)

          let Big2 = B(Big1.counter, Big1.value)
          Big2 = B(Big2.counter + 1, Big2.value)

          expect(scp.bumpState(0n, aValue)).toBe(true)
          expect(scp.envs.length).toBe(1)
          expect(scp.hasBallotTimer()).toBe(false)

          section('prepared A1', () => {
            recvQuorumEx(makePrepareGen(qSetHash, A1), true)

            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, A1)

            section('bump prepared A2', () => {
              // bump to (2,a)

              scp.bumpTimerOffset()
              expect(scp.bumpState(0n, aValue)).toBe(true)
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A2, A1)
              expect(scp.hasBallotTimer()).toBe(false)

              recvQuorumEx(makePrepareGen(qSetHash, A2), true)
              expect(scp.envs.length).toBe(4)
              verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, A2, A2)

              section('Confirm prepared A2', () => {
                recvQuorum(makePrepareGen(qSetHash, A2, A2))
                expect(scp.envs.length).toBe(5)
                verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, A2, A2, 2, 2)
                expect(scp.hasBallotTimerUpcoming()).toBe(false)

                section('Accept commit', () => {
                  section('Quorum A2', () => {
                    recvQuorum(makePrepareGen(qSetHash, A2, A2, 2, 2))
                    expect(scp.envs.length).toBe(6)
                    verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                    expect(scp.hasBallotTimerUpcoming()).toBe(false)

                    section('Quorum prepared A3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, A2, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)

                      recvQuorumEx(makePrepareGen(qSetHash, A3, A2, 2, 2), true)
                      expect(scp.envs.length).toBe(8)
                      verifyConfirm(scp.envs[7], 'v0', qSetHash0, 0n, 3, A3, 2, 2)

                      section('Accept more commit A3', () => {
                        recvQuorum(makePrepareGen(qSetHash, A3, A3, 2, 3))
                        expect(scp.envs.length).toBe(9)
                        verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A3, 2, 3)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)

                        expect(scp.externalizedValues.size).toBe(0)

                        section('Quorum externalize A3', () => {
                          recvQuorum(makeConfirmGen(qSetHash, 3, A3, 2, 3))
                          expect(scp.envs.length).toBe(10)
                          verifyExternalize(scp.envs[9], 'v0', qSetHash0, 0n, A2, 3)
                          expect(scp.hasBallotTimer()).toBe(false)

                          expect(scp.externalizedValues.size).toBe(1)
                          expect(scp.externalizedValues.get(0n)).toEqual(aValue)
                        })
                      })
                      section('v-blocking accept more A3', () => {
                        section('Confirm A3', () => {
                          recvVBlocking(makeConfirmGen(qSetHash, 3, A3, 2, 3))
                          expect(scp.envs.length).toBe(9)
                          verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A3, 2, 3)
                          expect(scp.hasBallotTimerUpcoming()).toBe(false)
                        })
                        section('Externalize A3', () => {
                          recvVBlocking(makeExternalizeGen(qSetHash, A2, 3))
                          expect(scp.envs.length).toBe(9)
                          verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, INF, AInf, 2, INF)
                          expect(scp.hasBallotTimer()).toBe(false)
                        })
                        section('other nodes moved to c=A4 h=A5', () => {
                          section('Confirm A4..5', () => {
                            recvVBlocking(makeConfirmGen(qSetHash, 3, A5, 4, 5))
                            expect(scp.envs.length).toBe(9)
                            verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A5, 4, 5)
                            expect(scp.hasBallotTimer()).toBe(false)
                          })
                          section('Externalize A4..5', () => {
                            recvVBlocking(makeExternalizeGen(qSetHash, A4, 5))
                            expect(scp.envs.length).toBe(9)
                            verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, INF, AInf, 4, INF)
                            expect(scp.hasBallotTimer()).toBe(false)
                          })
                        })
                      })
                    })
                    section('v-blocking prepared A3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, A3, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('v-blocking prepared A3+B3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, B3, 2, 2, A3))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('v-blocking confirm A3', () => {
                      recvVBlocking(makeConfirmGen(qSetHash, 3, A3, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('Hang - does not switch to B in CONFIRM', () => {
                      section('Network EXTERNALIZE', () => {
                        // externalize messages have a counter
                        // at infinite
                        recvVBlocking(makeExternalizeGen(qSetHash, B2, 3))
                        expect(scp.envs.length).toBe(7)
                        verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, AInf, 2, 2)
                        expect(scp.hasBallotTimer()).toBe(false)

                        // stuck
                        recvQuorumChecks(makeExternalizeGen(qSetHash, B2, 3), false, false)
                        expect(scp.envs.length).toBe(7)
                        expect(scp.externalizedValues.size).toBe(0)
                        // timer scheduled as there is a quorum
                        // with (2, *)
                        expect(scp.hasBallotTimerUpcoming()).toBe(true)
                      })
                      section('Network CONFIRMS other ballot', () => {
                        section('at same counter', () => {
                          // nothing should happen here, in
                          // particular, node should not
                          // attempt to switch 'p'
                          recvQuorumChecks(makeConfirmGen(qSetHash, 3, B2, 2, 3), false, false)
                          expect(scp.envs.length).toBe(6)
                          expect(scp.externalizedValues.size).toBe(0)
                          expect(scp.hasBallotTimerUpcoming()).toBe(false)
                        })
                        section('at a different counter', () => {
                          recvVBlocking(makeConfirmGen(qSetHash, 3, B3, 3, 3))
                          expect(scp.envs.length).toBe(7)
                          verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, A3, 2, 2)
                          expect(scp.hasBallotTimer()).toBe(false)

                          recvQuorumChecks(makeConfirmGen(qSetHash, 3, B3, 3, 3), false, false)
                          expect(scp.envs.length).toBe(7)
                          expect(scp.externalizedValues.size).toBe(0)
                          // timer scheduled as there is a
                          // quorum with (3, *)
                          expect(scp.hasBallotTimerUpcoming()).toBe(true)
                        })
                      })
                    })
                  })
                  section('v-blocking', () => {
                    section('CONFIRM', () => {
                      section('CONFIRM A2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, A2, 2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)
                      })
                      section('CONFIRM A3..4', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 4, A4, 3, 4))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 4, A4, 3, 4)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                      section('CONFIRM B2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, B2, 2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, B2, 2, 2)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)
                      })
                    })
                    section('EXTERNALIZE', () => {
                      section('EXTERNALIZE A2', () => {
                        recvVBlocking(makeExternalizeGen(qSetHash, A2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, INF, AInf, 2, INF)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                      section('EXTERNALIZE B2', () => {
                        recvVBlocking(makeExternalizeGen(qSetHash, B2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, INF, BInf, 2, INF)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                    })
                  })
                })
                section('get conflicting prepared B', () => {
                  section('same counter', () => {
                    recvVBlocking(makePrepareGen(qSetHash, B2, B2))
                    expect(scp.envs.length).toBe(6)
                    verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A2, B2, 0, 2, A2)
                    expect(scp.hasBallotTimerUpcoming()).toBe(false)

                    recvQuorum(makePrepareGen(qSetHash, B2, B2, 2, 2))
                    expect(scp.envs.length).toBe(7)
                    verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, B2, 2, 2)
                    expect(scp.hasBallotTimerUpcoming()).toBe(false)
                  })
                  section('higher counter', () => {
                    recvVBlocking(makePrepareGen(qSetHash, B3, B2, 2, 2))
                    expect(scp.envs.length).toBe(6)
                    verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A3, B2, 0, 2, A2)
                    expect(scp.hasBallotTimer()).toBe(false)

                    recvQuorumChecksEx(makePrepareGen(qSetHash, B3, B2, 2, 2), true, true, true)
                    expect(scp.envs.length).toBe(7)
                    verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, B3, 2, 2)
                  })
                  section('higher counter mixed', () => {
                    recvVBlocking(makePrepareGen(qSetHash, A3, B3, 0, 2, A2))
                    expect(scp.envs.length).toBe(6)
                    // h still A2
                    // v-blocking
                    //     prepared B3 -> p = B3, p'=A2 (1)
                    //     counter 3, b = A3 (9) (same value than h)
                    // c = 0 (1)
                    verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A3, B3, 0, 2, A2)
                    recvQuorumEx(makePrepareGen(qSetHash, A3, B3, 0, 2, A2), true)
                    // p=B3, p'=A3 (1)
                    // computed_h = B3
                    // b = computed_h = B3 (8)
                    // h = computed_h = B3 (2)
                    // c = h = B3 (3)
                    expect(scp.envs.length).toBe(7)
                    verifyPrepare(scp.envs[6], 'v0', qSetHash0, 0n, B3, B3, 3, 3, A3)
                  })
                })
              })
              section('Confirm prepared mixed', () => {
                // a few nodes prepared B2
                recvVBlocking(makePrepareGen(qSetHash, B2, B2, 0, 0, A2))
                expect(scp.envs.length).toBe(5)
                verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, A2, B2, 0, 0, A2)
                expect(scp.hasBallotTimerUpcoming()).toBe(false)

                section('mixed A2', () => {
                  // causes h=A2
                  // but c = 0, as p >!~ h
                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(6)
                  verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A2, B2, 0, 2, A2)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)

                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(6)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)
                })
                section('mixed B2', () => {
                  // causes h=B2, c=B2
                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, B2, B2))

                  expect(scp.envs.length).toBe(6)
                  verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, B2, B2, 2, 2, A2)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)

                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, B2, B2))

                  expect(scp.envs.length).toBe(6)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)
                })
              })
            })
            section('switch prepared B1 from A1', () => {
              // (p,p') = (B1, A1) [ from (A1, null) ]
              recvVBlocking(makePrepareGen(qSetHash, B1, B1))
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A1, B1, 0, 0, A1)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)

              // v-blocking with n=2 -> bump n
              recvVBlocking(makePrepareGen(qSetHash, B2))
              expect(scp.envs.length).toBe(4)
              verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, A2, B1, 0, 0, A1)

              // move to (p,p') = (B2, A1) [update p from B1 -> B2]
              recvVBlocking(makePrepareGen(qSetHash, B2, B2))
              expect(scp.envs.length).toBe(5)
              verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, A2, B2, 0, 0, A1)
              expect(scp.hasBallotTimer()).toBe(false) // no quorum (other nodes on (A,1))

              section('v-blocking switches to previous value of p', () => {
                // v-blocking with n=3 -> bump n
                recvVBlocking(makePrepareGen(qSetHash, B3))
                expect(scp.envs.length).toBe(6)
                verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A3, B2, 0, 0, A1)
                expect(scp.hasBallotTimer()).toBe(false) // no quorum (other nodes on (A,1))

                // vBlocking set says "B1" is prepared - but we already
                // have p=B2
                recvVBlockingChecks(makePrepareGen(qSetHash, B3, B1), false)
                expect(scp.envs.length).toBe(6)
                expect(scp.hasBallotTimer()).toBe(false)
              })
              section("switch p' to Mid2", () => {
                // (p,p') = (B2, Mid2)
                recvVBlocking(makePrepareGen(qSetHash, B2, B2, 0, 0, Mid2))
                expect(scp.envs.length).toBe(6)
                verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A2, B2, 0, 0, Mid2)
                expect(scp.hasBallotTimer()).toBe(false)
              })
              section('switch again Big2', () => {
                // both p and p' get updated
                // (p,p') = (Big2, B2)
                recvVBlocking(makePrepareGen(qSetHash, B2, Big2, 0, 0, B2))
                expect(scp.envs.length).toBe(6)
                verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A2, Big2, 0, 0, B2)
                expect(scp.hasBallotTimer()).toBe(false)
              })
            })
            section('switch prepare B1', () => {
              recvQuorumChecks(makePrepareGen(qSetHash, B1), true, true)
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A1, B1, 0, 0, A1)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)
            })
            section('prepare higher counter (v-blocking)', () => {
              recvVBlocking(makePrepareGen(qSetHash, B2))
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A2, A1)
              expect(scp.hasBallotTimer()).toBe(false)

              // more timeout from vBlocking set
              recvVBlocking(makePrepareGen(qSetHash, B3))
              expect(scp.envs.length).toBe(4)
              verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, A3, A1)
              expect(scp.hasBallotTimer()).toBe(false)
            })
          })
          section('prepared B (v-blocking)', () => {
            recvVBlocking(makePrepareGen(qSetHash, B1, B1))
            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, B1)
            expect(scp.hasBallotTimer()).toBe(false)
          })
          section('prepare B (quorum)', () => {
            recvQuorumChecksEx(makePrepareGen(qSetHash, B1), true, true, true)
            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, B1)
          })
          section('confirm (v-blocking)', () => {
            section('via CONFIRM', () => {
              scp.bumpTimerOffset()
              scp.receiveEnvelope(makeConfirm('v1', qSetHash, 0n, 3, A3, 3, 3))
              scp.receiveEnvelope(makeConfirm('v2', qSetHash, 0n, 4, A4, 2, 4))
              expect(scp.envs.length).toBe(2)
              verifyConfirm(scp.envs[1], 'v0', qSetHash0, 0n, 3, A3, 3, 3)
              expect(scp.hasBallotTimer()).toBe(false)
            })
            section('via EXTERNALIZE', () => {
              scp.receiveEnvelope(makeExternalize('v1', qSetHash, 0n, A2, 4))
              scp.receiveEnvelope(makeExternalize('v2', qSetHash, 0n, A3, 5))
              expect(scp.envs.length).toBe(2)
              verifyConfirm(scp.envs[1], 'v0', qSetHash0, 0n, INF, AInf, 3, INF)
              expect(scp.hasBallotTimer()).toBe(false)
            })
          })
        })

        // this is the same test suite than "start <1,x>" with the exception
        // that some transitions are not possible as x < z - so instead we
        // verify that nothing happens
        section('start <1,z>', () => {
          // no timer is set
          expect(scp.hasBallotTimer()).toBe(false)

          const aValue = z
          const bValue = x

          const A1 = B(1, aValue)
          const B1 = B(1, bValue)

          let A2 = B(A1.counter, A1.value)
          A2 = B(A2.counter + 1, A2.value)

          let A3 = B(A2.counter, A2.value)
          A3 = B(A3.counter + 1, A3.value)

          let A4 = B(A3.counter, A3.value)
          A4 = B(A4.counter + 1, A4.value)

          let A5 = B(A4.counter, A4.value)
          A5 = B(A5.counter + 1, A5.value)

          const AInf = B(INF, aValue)
          const BInf = B(INF, bValue)

          let B2 = B(B1.counter, B1.value)
          B2 = B(B2.counter + 1, B2.value)

          let B3 = B(B2.counter, B2.value)
          B3 = B(B3.counter + 1, B3.value)

          let B4 = B(B3.counter, B3.value)
          B4 = B(B4.counter + 1, B4.value)

          expect(scp.bumpState(0n, aValue)).toBe(true)
          expect(scp.envs.length).toBe(1)
          expect(scp.hasBallotTimer()).toBe(false)

          section('prepared A1', () => {
            recvQuorumEx(makePrepareGen(qSetHash, A1), true)

            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, A1)

            section('bump prepared A2', () => {
              // bump to (2,a)

              scp.bumpTimerOffset()
              expect(scp.bumpState(0n, aValue)).toBe(true)
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A2, A1)
              expect(scp.hasBallotTimer()).toBe(false)

              recvQuorumEx(makePrepareGen(qSetHash, A2), true)
              expect(scp.envs.length).toBe(4)
              verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, A2, A2)

              section('Confirm prepared A2', () => {
                recvQuorum(makePrepareGen(qSetHash, A2, A2))
                expect(scp.envs.length).toBe(5)
                verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, A2, A2, 2, 2)
                expect(scp.hasBallotTimerUpcoming()).toBe(false)

                section('Accept commit', () => {
                  section('Quorum A2', () => {
                    recvQuorum(makePrepareGen(qSetHash, A2, A2, 2, 2))
                    expect(scp.envs.length).toBe(6)
                    verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                    expect(scp.hasBallotTimerUpcoming()).toBe(false)

                    section('Quorum prepared A3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, A2, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)

                      recvQuorumEx(makePrepareGen(qSetHash, A3, A2, 2, 2), true)
                      expect(scp.envs.length).toBe(8)
                      verifyConfirm(scp.envs[7], 'v0', qSetHash0, 0n, 3, A3, 2, 2)

                      section('Accept more commit A3', () => {
                        recvQuorum(makePrepareGen(qSetHash, A3, A3, 2, 3))
                        expect(scp.envs.length).toBe(9)
                        verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A3, 2, 3)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)

                        expect(scp.externalizedValues.size).toBe(0)

                        section('Quorum externalize A3', () => {
                          recvQuorum(makeConfirmGen(qSetHash, 3, A3, 2, 3))
                          expect(scp.envs.length).toBe(10)
                          verifyExternalize(scp.envs[9], 'v0', qSetHash0, 0n, A2, 3)
                          expect(scp.hasBallotTimer()).toBe(false)

                          expect(scp.externalizedValues.size).toBe(1)
                          expect(scp.externalizedValues.get(0n)).toEqual(aValue)
                        })
                      })
                      section('v-blocking accept more A3', () => {
                        section('Confirm A3', () => {
                          recvVBlocking(makeConfirmGen(qSetHash, 3, A3, 2, 3))
                          expect(scp.envs.length).toBe(9)
                          verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A3, 2, 3)
                          expect(scp.hasBallotTimerUpcoming()).toBe(false)
                        })
                        section('Externalize A3', () => {
                          recvVBlocking(makeExternalizeGen(qSetHash, A2, 3))
                          expect(scp.envs.length).toBe(9)
                          verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, INF, AInf, 2, INF)
                          expect(scp.hasBallotTimer()).toBe(false)
                        })
                        section('other nodes moved to c=A4 h=A5', () => {
                          section('Confirm A4..5', () => {
                            recvVBlocking(makeConfirmGen(qSetHash, 3, A5, 4, 5))
                            expect(scp.envs.length).toBe(9)
                            verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, 3, A5, 4, 5)
                            expect(scp.hasBallotTimer()).toBe(false)
                          })
                          section('Externalize A4..5', () => {
                            recvVBlocking(makeExternalizeGen(qSetHash, A4, 5))
                            expect(scp.envs.length).toBe(9)
                            verifyConfirm(scp.envs[8], 'v0', qSetHash0, 0n, INF, AInf, 4, INF)
                            expect(scp.hasBallotTimer()).toBe(false)
                          })
                        })
                      })
                    })
                    section('v-blocking prepared A3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, A3, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('v-blocking prepared A3+B3', () => {
                      recvVBlocking(makePrepareGen(qSetHash, A3, A3, 2, 2, B3))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('v-blocking confirm A3', () => {
                      recvVBlocking(makeConfirmGen(qSetHash, 3, A3, 2, 2))
                      expect(scp.envs.length).toBe(7)
                      verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, A3, 2, 2)
                      expect(scp.hasBallotTimer()).toBe(false)
                    })
                    section('Hang - does not switch to B in CONFIRM', () => {
                      section('Network EXTERNALIZE', () => {
                        // externalize messages have a counter
                        // at infinite
                        recvVBlocking(makeExternalizeGen(qSetHash, B2, 3))
                        expect(scp.envs.length).toBe(7)
                        verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, AInf, 2, 2)
                        expect(scp.hasBallotTimer()).toBe(false)

                        // stuck
                        recvQuorumChecks(makeExternalizeGen(qSetHash, B2, 3), false, false)
                        expect(scp.envs.length).toBe(7)
                        expect(scp.externalizedValues.size).toBe(0)
                        // timer scheduled as there is a quorum
                        // with (inf, *)
                        expect(scp.hasBallotTimerUpcoming()).toBe(true)
                      })
                      section('Network CONFIRMS other ballot', () => {
                        section('at same counter', () => {
                          // nothing should happen here, in
                          // particular, node should not
                          // attempt to switch 'p'
                          recvQuorumChecks(makeConfirmGen(qSetHash, 3, B2, 2, 3), false, false)
                          expect(scp.envs.length).toBe(6)
                          expect(scp.externalizedValues.size).toBe(0)
                          expect(scp.hasBallotTimerUpcoming()).toBe(false)
                        })
                        section('at a different counter', () => {
                          recvVBlocking(makeConfirmGen(qSetHash, 3, B3, 3, 3))
                          expect(scp.envs.length).toBe(7)
                          verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, A3, 2, 2)
                          expect(scp.hasBallotTimer()).toBe(false)

                          recvQuorumChecks(makeConfirmGen(qSetHash, 3, B3, 3, 3), false, false)
                          expect(scp.envs.length).toBe(7)
                          expect(scp.externalizedValues.size).toBe(0)
                          // timer scheduled as there is a
                          // quorum with (3, *)
                          expect(scp.hasBallotTimerUpcoming()).toBe(true)
                        })
                      })
                    })
                  })
                  section('v-blocking', () => {
                    section('CONFIRM', () => {
                      section('CONFIRM A2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, A2, 2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)
                      })
                      section('CONFIRM A3..4', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 4, A4, 3, 4))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 4, A4, 3, 4)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                      section('CONFIRM B2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, B2, 2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, 2, B2, 2, 2)
                        expect(scp.hasBallotTimerUpcoming()).toBe(false)
                      })
                    })
                    section('EXTERNALIZE', () => {
                      section('EXTERNALIZE A2', () => {
                        recvVBlocking(makeExternalizeGen(qSetHash, A2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, INF, AInf, 2, INF)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                      section('EXTERNALIZE B2', () => {
                        // can switch to B2 with externalize
                        // (higher counter)
                        recvVBlocking(makeExternalizeGen(qSetHash, B2, 2))
                        expect(scp.envs.length).toBe(6)
                        verifyConfirm(scp.envs[5], 'v0', qSetHash0, 0n, INF, BInf, 2, INF)
                        expect(scp.hasBallotTimer()).toBe(false)
                      })
                    })
                  })
                })
                section('get conflicting prepared B', () => {
                  section('same counter', () => {
                    // messages are ignored as B2 < A2
                    recvQuorumChecks(makePrepareGen(qSetHash, B2, B2), false, false)
                    expect(scp.envs.length).toBe(5)
                    expect(scp.hasBallotTimerUpcoming()).toBe(false)
                  })
                  section('higher counter', () => {
                    recvVBlocking(makePrepareGen(qSetHash, B3, B2, 2, 2))
                    expect(scp.envs.length).toBe(6)
                    // A2 > B2 -> p = A2, p'=B2
                    verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A3, A2, 2, 2, B2)
                    expect(scp.hasBallotTimer()).toBe(false)

                    // node is trying to commit A2=<2,y> but rest
                    // of its quorum is trying to commit B2
                    // we end up with a delayed quorum
                    recvQuorumChecksEx(makePrepareGen(qSetHash, B3, B2, 2, 2), true, true, true)
                    expect(scp.envs.length).toBe(7)
                    verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 3, B3, 2, 2)
                  })
                  section('higher counter mixed', () => {
                    recvVBlocking(makePrepareGen(qSetHash, A3, B3, 0, 2, A2))
                    expect(scp.envs.length).toBe(6)
                    // h still A2
                    // v-blocking
                    //     prepared B3 -> p = B3, p'=A2 (1)
                    //     counter 3, b = A3 (9) (same value than h)
                    // c = 0 (1)
                    verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A3, B3, 0, 2, A2)
                    recvQuorumEx(makePrepareGen(qSetHash, A3, B3, 0, 2, A2), true)
                    // p=A3, p'=B3 (1)
                    // computed_h = B3 (2) z = B - cannot update b
                    expect(scp.envs.length).toBe(7)
                    verifyPrepare(scp.envs[6], 'v0', qSetHash0, 0n, A3, A3, 0, 2, B3)
                    // timeout, bump to B4
                    expect(scp.hasBallotTimerUpcoming()).toBe(true)
                    const cb = scp.getBallotProtocolTimer().callback!
                    cb()
                    // computed_h = B3
                    // h = B3 (2)
                    // c = 0
                    expect(scp.envs.length).toBe(8)
                    verifyPrepare(scp.envs[7], 'v0', qSetHash0, 0n, B4, A3, 0, 3, B3)
                  })
                })
              })
              section('Confirm prepared mixed', () => {
                // a few nodes prepared B2
                recvVBlocking(makePrepareGen(qSetHash, A2, A2, 0, 0, B2))
                expect(scp.envs.length).toBe(5)
                verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, A2, A2, 0, 0, B2)
                expect(scp.hasBallotTimerUpcoming()).toBe(false)

                section('mixed A2', () => {
                  // causes h=A2, c=A2
                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(6)
                  verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, A2, A2, 2, 2, B2)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)

                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(6)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)
                })
                section('mixed B2', () => {
                  // causes computed_h=B2 ~ not set as h ~!= b
                  // -> noop
                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, A2, B2))

                  expect(scp.envs.length).toBe(5)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)

                  scp.bumpTimerOffset()
                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, B2, B2))

                  expect(scp.envs.length).toBe(5)
                  expect(scp.hasBallotTimerUpcoming()).toBe(false)
                })
              })
            })
            section('switch prepared B1 from A1', () => {
              // can't switch to B1
              recvQuorumChecks(makePrepareGen(qSetHash, B1, B1), false, false)
              expect(scp.envs.length).toBe(2)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)
            })
            section('switch prepare B1', () => {
              // doesn't switch as B1 < A1
              recvQuorumChecks(makePrepareGen(qSetHash, B1), false, false)
              expect(scp.envs.length).toBe(2)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)
            })
            section('prepare higher counter (v-blocking)', () => {
              recvVBlocking(makePrepareGen(qSetHash, B2))
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A2, A1)
              expect(scp.hasBallotTimer()).toBe(false)

              // more timeout from vBlocking set
              recvVBlocking(makePrepareGen(qSetHash, B3))
              expect(scp.envs.length).toBe(4)
              verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, A3, A1)
              expect(scp.hasBallotTimer()).toBe(false)
            })
          })
          section('prepared B (v-blocking)', () => {
            recvVBlocking(makePrepareGen(qSetHash, B1, B1))
            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, B1)
            expect(scp.hasBallotTimer()).toBe(false)
          })
          section('prepare B (quorum)', () => {
            recvQuorumChecksEx(makePrepareGen(qSetHash, B1), true, true, true)
            expect(scp.envs.length).toBe(2)
            verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, B1)
          })
          section('confirm (v-blocking)', () => {
            section('via CONFIRM', () => {
              scp.bumpTimerOffset()
              scp.receiveEnvelope(makeConfirm('v1', qSetHash, 0n, 3, A3, 3, 3))
              scp.receiveEnvelope(makeConfirm('v2', qSetHash, 0n, 4, A4, 2, 4))
              expect(scp.envs.length).toBe(2)
              verifyConfirm(scp.envs[1], 'v0', qSetHash0, 0n, 3, A3, 3, 3)
              expect(scp.hasBallotTimer()).toBe(false)
            })
            section('via EXTERNALIZE', () => {
              scp.receiveEnvelope(makeExternalize('v1', qSetHash, 0n, A2, 4))
              scp.receiveEnvelope(makeExternalize('v2', qSetHash, 0n, A3, 5))
              expect(scp.envs.length).toBe(2)
              verifyConfirm(scp.envs[1], 'v0', qSetHash0, 0n, INF, AInf, 3, INF)
              expect(scp.hasBallotTimer()).toBe(false)
            })
          })
        })

        // this is the same test suite than "start <1,x>" but only keeping
        // the transitions that are observable when starting from empty
        section('start from pristine', () => {
          const aValue = x
          const bValue = z

          const A1 = B(1, aValue)
          const B1 = B(1, bValue)

          let A2 = B(A1.counter, A1.value)
          A2 = B(A2.counter + 1, A2.value)

          let A3 = B(A2.counter, A2.value)
          A3 = B(A3.counter + 1, A3.value)

          let A4 = B(A3.counter, A3.value)
          A4 = B(A4.counter + 1, A4.value)

          let A5 = B(A4.counter, A4.value)
          A5 = B(A5.counter + 1, A5.value)

          const AInf = B(INF, aValue)
          const BInf = B(INF, bValue)

          let B2 = B(B1.counter, B1.value)
          B2 = B(B2.counter + 1, B2.value)

          let B3 = B(B2.counter, B2.value)
          B3 = B(B3.counter + 1, B3.value)

          expect(scp.envs.length).toBe(0)

          section('prepared A1', () => {
            recvQuorumChecks(makePrepareGen(qSetHash, A1), false, false)
            expect(scp.envs.length).toBe(0)

            section('bump prepared A2', () => {
              section('Confirm prepared A2', () => {
                recvVBlockingChecks(makePrepareGen(qSetHash, A2, A2), false)
                expect(scp.envs.length).toBe(0)

                section('Quorum A2', () => {
                  recvVBlockingChecks(makePrepareGen(qSetHash, A2, A2), false)
                  expect(scp.envs.length).toBe(0)
                  recvQuorum(makePrepareGen(qSetHash, A2, A2))
                  expect(scp.envs.length).toBe(1)
                  verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, A2, A2, 1, 2)
                })
                section('Quorum B2', () => {
                  recvVBlockingChecks(makePrepareGen(qSetHash, B2, B2), false)
                  expect(scp.envs.length).toBe(0)
                  recvQuorum(makePrepareGen(qSetHash, B2, B2))
                  expect(scp.envs.length).toBe(1)
                  verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, B2, B2, 2, 2, A2)
                })
                section('Accept commit', () => {
                  section('Quorum A2', () => {
                    recvQuorum(makePrepareGen(qSetHash, A2, A2, 2, 2))
                    expect(scp.envs.length).toBe(1)
                    verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                  })
                  section('Quorum B2', () => {
                    recvQuorum(makePrepareGen(qSetHash, B2, B2, 2, 2))
                    expect(scp.envs.length).toBe(1)
                    verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 2, B2, 2, 2)
                  })
                  section('v-blocking', () => {
                    section('CONFIRM', () => {
                      section('CONFIRM A2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, A2, 2, 2))
                        expect(scp.envs.length).toBe(1)
                        verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 2, A2, 2, 2)
                      })
                      section('CONFIRM A3..4', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 4, A4, 3, 4))
                        expect(scp.envs.length).toBe(1)
                        verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 4, A4, 3, 4)
                      })
                      section('CONFIRM B2', () => {
                        recvVBlocking(makeConfirmGen(qSetHash, 2, B2, 2, 2))
                        expect(scp.envs.length).toBe(1)
                        verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 2, B2, 2, 2)
                      })
                    })
                    section('EXTERNALIZE', () => {
                      section('EXTERNALIZE A2', () => {
                        recvVBlocking(makeExternalizeGen(qSetHash, A2, 2))
                        expect(scp.envs.length).toBe(1)
                        verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, INF, AInf, 2, INF)
                      })
                      section('EXTERNALIZE B2', () => {
                        recvVBlocking(makeExternalizeGen(qSetHash, B2, 2))
                        expect(scp.envs.length).toBe(1)
                        verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, INF, BInf, 2, INF)
                      })
                    })
                  })
                })
              })
              section('Confirm prepared mixed', () => {
                // a few nodes prepared A2
                // causes p=A2
                recvVBlockingChecks(makePrepareGen(qSetHash, A2, A2), false)
                expect(scp.envs.length).toBe(0)

                // a few nodes prepared B2
                // causes p=B2, p'=A2
                recvVBlockingChecks(makePrepareGen(qSetHash, A2, B2, 0, 0, A2), false)
                expect(scp.envs.length).toBe(0)

                section('mixed A2', () => {
                  // causes h=A2
                  // but c = 0, as p >!~ h
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(1)
                  verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, A2, B2, 0, 2, A2)

                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, A2, A2))

                  expect(scp.envs.length).toBe(1)
                })
                section('mixed B2', () => {
                  // causes h=B2, c=B2
                  scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, B2, B2))

                  expect(scp.envs.length).toBe(1)
                  verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, B2, B2, 2, 2, A2)

                  scp.receiveEnvelope(makePrepare('v4', qSetHash, 0n, B2, B2))

                  expect(scp.envs.length).toBe(1)
                })
              })
            })
            section('switch prepared B1', () => {
              recvVBlockingChecks(makePrepareGen(qSetHash, B1, B1), false)
              expect(scp.envs.length).toBe(0)
            })
          })
          section('prepared B (v-blocking)', () => {
            recvVBlockingChecks(makePrepareGen(qSetHash, B1, B1), false)
            expect(scp.envs.length).toBe(0)
          })
          section('confirm (v-blocking)', () => {
            section('via CONFIRM', () => {
              scp.receiveEnvelope(makeConfirm('v1', qSetHash, 0n, 3, A3, 3, 3))
              scp.receiveEnvelope(makeConfirm('v2', qSetHash, 0n, 4, A4, 2, 4))
              expect(scp.envs.length).toBe(1)
              verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, 3, A3, 3, 3)
            })
            section('via EXTERNALIZE', () => {
              scp.receiveEnvelope(makeExternalize('v1', qSetHash, 0n, A2, 4))
              scp.receiveEnvelope(makeExternalize('v2', qSetHash, 0n, A3, 5))
              expect(scp.envs.length).toBe(1)
              verifyConfirm(scp.envs[0], 'v0', qSetHash0, 0n, INF, AInf, 3, INF)
            })
          })
        })

        section('normal round (1,x)', () => {
          nodesAllPledgeToCommit()
          expect(scp.envs.length).toBe(3)

          const b = B(1, x)

          // bunch of prepare messages with "commit b"
          const preparedC1 = makePrepare('v1', qSetHash, 0n, b, b, b.counter, b.counter)
          const preparedC2 = makePrepare('v2', qSetHash, 0n, b, b, b.counter, b.counter)
          const preparedC3 = makePrepare('v3', qSetHash, 0n, b, b, b.counter, b.counter)

          // those should not trigger anything just yet
          scp.receiveEnvelope(preparedC1)
          scp.receiveEnvelope(preparedC2)
          expect(scp.envs.length).toBe(3)

          // this should cause the node to accept 'commit b' (quorum)
          // and therefore send a "CONFIRM" message
          scp.receiveEnvelope(preparedC3)
          expect(scp.envs.length).toBe(4)

          verifyConfirm(scp.envs[3], 'v0', qSetHash0, 0n, 1, b, b.counter, b.counter)

          // bunch of confirm messages
          const confirm1 = makeConfirm('v1', qSetHash, 0n, b.counter, b, b.counter, b.counter)
          const confirm2 = makeConfirm('v2', qSetHash, 0n, b.counter, b, b.counter, b.counter)
          const confirm3 = makeConfirm('v3', qSetHash, 0n, b.counter, b, b.counter, b.counter)
          const confirm4 = makeConfirm('v4', qSetHash, 0n, b.counter, b, b.counter, b.counter)

          // those should not trigger anything just yet
          scp.receiveEnvelope(confirm1)
          scp.receiveEnvelope(confirm2)
          expect(scp.envs.length).toBe(4)

          scp.receiveEnvelope(confirm3)
          // this causes our node to
          // externalize (confirm commit c)
          expect(scp.envs.length).toBe(5)

          // The slot should have externalized the value
          expect(scp.externalizedValues.size).toBe(1)
          expect(scp.externalizedValues.get(0n)).toEqual(x)

          verifyExternalize(scp.envs[4], 'v0', qSetHash0, 0n, b, b.counter)

          // extra vote should not do anything
          scp.receiveEnvelope(confirm4)
          expect(scp.envs.length).toBe(5)
          expect(scp.externalizedValues.size).toBe(1)

          // duplicate should just no-op
          scp.receiveEnvelope(confirm2)
          expect(scp.envs.length).toBe(5)
          expect(scp.externalizedValues.size).toBe(1)

          section('bumpToBallot prevented once committed', () => {
            let b2 = B(0, x)
            section('bumpToBallot prevented once committed (by value)', () => {
              b2 = B(1, z)
            })
            section('bumpToBallot prevented once committed (by counter)', () => {
              b2 = B(2, x)
            })
            section('bumpToBallot prevented once committed (by value and counter)', () => {
              b2 = B(2, z)
            })

            const confirm1b2 = makeConfirm('v1', qSetHash, 0n, b2.counter, b2, b2.counter, b2.counter)
            const confirm2b2 = makeConfirm('v2', qSetHash, 0n, b2.counter, b2, b2.counter, b2.counter)
            const confirm3b2 = makeConfirm('v3', qSetHash, 0n, b2.counter, b2, b2.counter, b2.counter)
            const confirm4b2 = makeConfirm('v4', qSetHash, 0n, b2.counter, b2, b2.counter, b2.counter)

            scp.receiveEnvelope(confirm1b2)
            scp.receiveEnvelope(confirm2b2)
            scp.receiveEnvelope(confirm3b2)
            scp.receiveEnvelope(confirm4b2)
            expect(scp.envs.length).toBe(5)
            expect(scp.externalizedValues.size).toBe(1)
          })
        })

        section('range check', () => {
          nodesAllPledgeToCommit()
          expect(scp.envs.length).toBe(3)

          const b = B(1, x)

          // bunch of prepare messages with "commit b"
          const preparedC1 = makePrepare('v1', qSetHash, 0n, b, b, b.counter, b.counter)
          const preparedC2 = makePrepare('v2', qSetHash, 0n, b, b, b.counter, b.counter)
          const preparedC3 = makePrepare('v3', qSetHash, 0n, b, b, b.counter, b.counter)

          // those should not trigger anything just yet
          scp.receiveEnvelope(preparedC1)
          scp.receiveEnvelope(preparedC2)
          expect(scp.envs.length).toBe(3)

          // this should cause the node to accept 'commit b' (quorum)
          // and therefore send a "CONFIRM" message
          scp.receiveEnvelope(preparedC3)
          expect(scp.envs.length).toBe(4)

          verifyConfirm(scp.envs[3], 'v0', qSetHash0, 0n, 1, b, b.counter, b.counter)

          // bunch of confirm messages with different ranges
          const confirm1 = makeConfirm('v1', qSetHash, 0n, 4, B(4, x), 2, 4)
          const confirm2 = makeConfirm('v2', qSetHash, 0n, 6, B(6, x), 2, 6)
          const confirm4 = makeConfirm('v4', qSetHash, 0n, 6, B(6, x), 3, 6)

          // this should not trigger anything just yet
          scp.receiveEnvelope(confirm1)

          // v-blocking
          //   * b gets bumped to (4,x)
          //   * p gets bumped to (4,x)
          //   * (c,h) gets bumped to (2,4)
          scp.receiveEnvelope(confirm2)
          expect(scp.envs.length).toBe(5)
          verifyConfirm(scp.envs[4], 'v0', qSetHash0, 0n, 4, B(4, x), 2, 4)

          // this causes to externalize
          // range is [3,4]
          scp.receiveEnvelope(confirm4)
          expect(scp.envs.length).toBe(6)

          // The slot should have externalized the value
          expect(scp.externalizedValues.size).toBe(1)
          expect(scp.externalizedValues.get(0n)).toEqual(x)

          verifyExternalize(scp.envs[5], 'v0', qSetHash0, 0n, B(3, x), 4)
        })

        section('timeout when h is set -> stay locked on h', () => {
          const bx = B(1, x)
          expect(scp.bumpState(0n, x)).toBe(true)
          expect(scp.envs.length).toBe(1)

          // v-blocking -> prepared
          // quorum -> confirm prepared
          recvQuorum(makePrepareGen(qSetHash, bx, bx))
          expect(scp.envs.length).toBe(3)
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, bx, bx, bx.counter, bx.counter)

          // now, see if we can timeout and move to a different value
          expect(scp.bumpState(0n, y)).toBe(true)
          expect(scp.envs.length).toBe(4)
          const newbx = B(2, x)
          verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, newbx, bx, bx.counter, bx.counter)
        })
        section("timeout when h exists but can't be set -> vote for h", () => {
          // start with (1,y)
          const by = B(1, y)
          expect(scp.bumpState(0n, y)).toBe(true)
          expect(scp.envs.length).toBe(1)

          const bx = B(1, x)
          // but quorum goes with (1,x)
          // v-blocking -> prepared
          recvVBlocking(makePrepareGen(qSetHash, bx, bx))
          expect(scp.envs.length).toBe(2)
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, by, bx)
          // quorum -> confirm prepared (no-op as b > h)
          recvQuorumChecks(makePrepareGen(qSetHash, bx, bx), false, false)
          expect(scp.envs.length).toBe(2)

          expect(scp.bumpState(0n, y)).toBe(true)
          expect(scp.envs.length).toBe(3)
          const newbx = B(2, x)
          // on timeout:
          // * we should move to the quorum's h value
          // * c can't be set yet as b > h
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, newbx, bx, 0, bx.counter)
        })

        section('timeout from multiple nodes', () => {
          expect(scp.bumpState(0n, x)).toBe(true)

          const x1 = B(1, x)

          expect(scp.envs.length).toBe(1)
          verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, x1)

          recvQuorum(makePrepareGen(qSetHash, x1))
          // quorum -> prepared (1,x)
          expect(scp.envs.length).toBe(2)
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, x1, x1)

          const x2 = B(2, x)
          // timeout from local node
          expect(scp.bumpState(0n, x)).toBe(true)
          // prepares (2,x)
          expect(scp.envs.length).toBe(3)
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, x2, x1)

          recvQuorum(makePrepareGen(qSetHash, x1, x1))
          // quorum -> set nH=1
          expect(scp.envs.length).toBe(4)
          verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, x2, x1, 0, 1)
          expect(scp.envs.length).toBe(4)

          recvVBlocking(makePrepareGen(qSetHash, x2, x2, 1, 1))
          // v-blocking prepared (2,x) -> prepared (2,x)
          expect(scp.envs.length).toBe(5)
          verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, x2, x2, 0, 1)

          recvQuorum(makePrepareGen(qSetHash, x2, x2, 1, 1))
          // quorum (including us) confirms (2,x) prepared -> set h=c=x2
          // we also get extra message: a quorum not including us confirms
          // (1,x) prepared
          //  -> we confirm c=h=x1
          expect(scp.envs.length).toBe(7)
          verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, x2, x2, 2, 2)
          verifyConfirm(scp.envs[6], 'v0', qSetHash0, 0n, 2, x2, 1, 1)
        })

        section('timeout after prepare, receive old messages to prepare', () => {
          expect(scp.bumpState(0n, x)).toBe(true)

          const x1 = B(1, x)

          expect(scp.envs.length).toBe(1)
          verifyPrepare(scp.envs[0], 'v0', qSetHash0, 0n, x1)

          scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, x1))
          scp.receiveEnvelope(makePrepare('v2', qSetHash, 0n, x1))
          scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, x1))

          // quorum -> prepared (1,x)
          expect(scp.envs.length).toBe(2)
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, x1, x1)

          const x2 = B(2, x)
          // timeout from local node
          expect(scp.bumpState(0n, x)).toBe(true)
          // prepares (2,x)
          expect(scp.envs.length).toBe(3)
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, x2, x1)

          const x3 = B(3, x)
          // timeout again
          expect(scp.bumpState(0n, x)).toBe(true)
          // prepares (3,x)
          expect(scp.envs.length).toBe(4)
          verifyPrepare(scp.envs[3], 'v0', qSetHash0, 0n, x3, x1)

          // other nodes moved on with x2
          scp.receiveEnvelope(makePrepare('v1', qSetHash, 0n, x2, x2, 1, 2))
          scp.receiveEnvelope(makePrepare('v2', qSetHash, 0n, x2, x2, 1, 2))
          // v-blocking -> prepared x2
          expect(scp.envs.length).toBe(5)
          verifyPrepare(scp.envs[4], 'v0', qSetHash0, 0n, x3, x2)

          scp.receiveEnvelope(makePrepare('v3', qSetHash, 0n, x2, x2, 1, 2))
          // quorum -> set nH=2
          expect(scp.envs.length).toBe(6)
          verifyPrepare(scp.envs[5], 'v0', qSetHash0, 0n, x3, x2, 0, 2)
        })

        section('non validator watching the network', () => {
          const scpNV = new TestScp('vNV', qSet, false)
          scpNV.storeQuorumSet(qSet)
          const qSetHashNV = scpNV.scp.getLocalQuorumSetHash()

          const b = B(1, x)
          expect(scpNV.bumpState(0n, x)).toBe(true)
          expect(scpNV.envs.length).toBe(0)
          verifyPrepare(scpNV.getCurrentEnvelope(0n, 'vNV'), 'vNV', qSetHashNV, 0n, b)
          const ext1 = makeExternalize('v1', qSetHash, 0n, b, 1)
          const ext2 = makeExternalize('v2', qSetHash, 0n, b, 1)
          const ext3 = makeExternalize('v3', qSetHash, 0n, b, 1)
          const ext4 = makeExternalize('v4', qSetHash, 0n, b, 1)
          scpNV.receiveEnvelope(ext1)
          scpNV.receiveEnvelope(ext2)
          scpNV.receiveEnvelope(ext3)
          expect(scpNV.envs.length).toBe(0)
          verifyConfirm(scpNV.getCurrentEnvelope(0n, 'vNV'), 'vNV', qSetHashNV, 0n, INF, B(INF, x), 1, INF)
          scpNV.receiveEnvelope(ext4)
          expect(scpNV.envs.length).toBe(0)
          verifyExternalize(scpNV.getCurrentEnvelope(0n, 'vNV'), 'vNV', qSetHashNV, 0n, b, INF)
          expect(scpNV.externalizedValues.get(0n)).toEqual(x)
        })

        section('restore ballot protocol', () => {
          const scp2 = new TestScp('v0', qSet)
          scp2.storeQuorumSet(qSet)
          const b = B(2, x)
          section('prepare', () => {
            scp2.scp.setStateFromEnvelope(0n, makePrepare('v0', qSetHash0, 0n, b))
          })
          section('confirm', () => {
            scp2.scp.setStateFromEnvelope(0n, makeConfirm('v0', qSetHash0, 0n, 2, b, 1, 2))
          })
          section('externalize', () => {
            scp2.scp.setStateFromEnvelope(0n, makeExternalize('v0', qSetHash0, 0n, b, 2))
          })
        })
      })
    }
  })
})
