/**
 * Port of stellar-core's "nomination tests core5" test case (src/scp/test/SCPTests.cpp at
 * a9b86132): leader election with fixed priorities, echoing leaders' values, accepting by quorum
 * and by v-blocking set, confirming candidates, the composite value starting the ballot protocol,
 * restoring nomination state, and leaders accumulating over timeouts.
 */
import { describe, expect } from 'vitest'
import { compareBytes } from '../../../src/core/codec/index.js'
import { type NodeId, quorumSetHash, type Value } from '../../../src/core/scp/index.js'
import { sectionTests } from './helpers/sections.js'
import {
  applyTimeouts,
  B,
  makeNominate,
  makePrepare,
  makeValues,
  TestScp,
  TIMEOUT_CONFIGS,
  verifyNominate,
  verifyPrepare,
} from './helpers/test-driver.js'

const { x, y, z, zz, k } = makeValues()
const sorted = (...v: Value[]): Value[] => [...v].sort(compareBytes)
const maxValue = (a: Value, b: Value): Value => (compareBytes(a, b) >= 0 ? a : b)

describe('nomination tests core5 (stellar-core SCPTests.cpp)', () => {
  sectionTests((section) => {
    // we need 5 nodes to avoid sharing various thresholds:
    // v-blocking set size: 2
    // threshold: 4 = 3 + self or 4 others
    const qSet = { threshold: 4, validators: ['v0', 'v1', 'v2', 'v3', 'v4'], innerSets: [] }
    const qSetHash = quorumSetHash(qSet)

    const checkLeaders = (scp: TestScp, expected: NodeId[]): void => {
      expect([...scp.getNominationLeaders(0n)].sort()).toEqual([...expected].sort())
    }
    const leaderIs = (leader: NodeId) => (n: NodeId) => (n === leader ? 1000n : 1n)

    section('nomination - v0 is top', () => {
      for (const cfg of TIMEOUT_CONFIGS) {
        section(cfg.name, () => {
          const scp = new TestScp('v0', qSet)
          applyTimeouts(scp, cfg)
          const qSetHash0 = scp.scp.getLocalQuorumSetHash()
          scp.storeQuorumSet(qSet)

          section('v0 starts to nominates xValue', () => {
            expect(scp.nominate(0n, x, false)).toBe(true)
            checkLeaders(scp, ['v0'])

            section('others nominate what v0 says (x) -> prepare x', () => {
              const votes = [x]
              const accepted: Value[] = []
              expect(scp.envs.length).toBe(1)
              verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, votes, accepted)

              const nom1 = makeNominate('v1', qSetHash, 0n, votes, accepted)
              const nom2 = makeNominate('v2', qSetHash, 0n, votes, accepted)
              const nom3 = makeNominate('v3', qSetHash, 0n, votes, accepted)
              const nom4 = makeNominate('v4', qSetHash, 0n, votes, accepted)

              // nothing happens yet
              scp.receiveEnvelope(nom1)
              scp.receiveEnvelope(nom2)
              expect(scp.envs.length).toBe(1)

              // this causes 'x' to be accepted (quorum)
              scp.receiveEnvelope(nom3)
              expect(scp.envs.length).toBe(2)

              scp.expectedCandidates = [x]
              scp.compositeValue = x

              accepted.push(x)
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, votes, accepted)

              // extra message doesn't do anything
              scp.receiveEnvelope(nom4)
              expect(scp.envs.length).toBe(2)

              const acc1 = makeNominate('v1', qSetHash, 0n, votes, accepted)
              const acc2 = makeNominate('v2', qSetHash, 0n, votes, accepted)
              const acc3 = makeNominate('v3', qSetHash, 0n, votes, accepted)
              const acc4 = makeNominate('v4', qSetHash, 0n, votes, accepted)

              // nothing happens yet
              scp.receiveEnvelope(acc1)
              scp.receiveEnvelope(acc2)
              expect(scp.envs.length).toBe(2)

              scp.compositeValue = x
              // this causes the node to send a prepare message (quorum)
              scp.receiveEnvelope(acc3)
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, B(1, x))

              scp.receiveEnvelope(acc4)
              expect(scp.envs.length).toBe(3)

              const votes2 = sorted(...votes, y)

              section(
                'nominate x -> accept x -> prepare (x) ; others accepted y -> update latest to (z=x+y)',
                () => {
                  const acc1_2 = makeNominate('v1', qSetHash, 0n, votes2, votes2)
                  const acc2_2 = makeNominate('v2', qSetHash, 0n, votes2, votes2)
                  const acc3_2 = makeNominate('v3', qSetHash, 0n, votes2, votes2)
                  const acc4_2 = makeNominate('v4', qSetHash, 0n, votes2, votes2)

                  scp.receiveEnvelope(acc1_2)
                  expect(scp.envs.length).toBe(3)

                  // v-blocking
                  scp.receiveEnvelope(acc2_2)
                  expect(scp.envs.length).toBe(4)
                  verifyNominate(scp.envs[3], 'v0', qSetHash0, 0n, votes2, votes2)

                  scp.expectedCandidates = [x, y]
                  scp.compositeValue = k
                  // this updates the composite value to use next time but does not prepare it
                  scp.receiveEnvelope(acc3_2)
                  expect(scp.envs.length).toBe(4)
                  expect(scp.getLatestCompositeCandidate(0n)).toEqual(k)

                  scp.receiveEnvelope(acc4_2)
                  expect(scp.envs.length).toBe(4)
                },
              )
              section('nomination - restored state', () => {
                const scp2 = new TestScp('v0', qSet)
                scp2.storeQuorumSet(qSet)
                // at this point
                // votes = { x }
                // accepted = { x }

                // tests if nomination proceeds like normal
                // nominates x
                const nominationRestore = (): void => {
                  // restores from the previous state
                  scp2.scp.setStateFromEnvelope(0n, makeNominate('v0', qSetHash0, 0n, votes, accepted))
                  // tries to start nomination with yValue, but picks xValue since it was already
                  // in the votes
                  expect(scp2.nominate(0n, y, false)).toBe(false)
                  checkLeaders(scp2, ['v0'])
                  expect(scp2.envs.length).toBe(0)

                  // other nodes vote for 'x'
                  scp2.receiveEnvelope(nom1)
                  scp2.receiveEnvelope(nom2)
                  expect(scp2.envs.length).toBe(0)
                  // 'x' is accepted (quorum) but because the restored state already included
                  // 'x' in the accepted set, no new message is emitted
                  scp2.receiveEnvelope(nom3)

                  scp2.expectedCandidates = [x]
                  scp2.compositeValue = x

                  // other nodes not emit 'x' as accepted
                  scp2.receiveEnvelope(acc1)
                  scp2.receiveEnvelope(acc2)
                  expect(scp2.envs.length).toBe(0)

                  scp2.compositeValue = x
                  // this causes the node to update its composite value to x
                  scp2.receiveEnvelope(acc3)
                }

                section('ballot protocol not started', () => {
                  nominationRestore()
                  // nomination ended up starting the ballot protocol
                  expect(scp2.envs.length).toBe(1)
                  verifyPrepare(scp2.envs[0], 'v0', qSetHash0, 0n, B(1, x))
                })
                section('ballot protocol started (on value k)', () => {
                  scp2.scp.setStateFromEnvelope(0n, makePrepare('v0', qSetHash0, 0n, B(1, k)))
                  nominationRestore()
                  // nomination didn't do anything (already working on k)
                  expect(scp2.envs.length).toBe(0)
                })
              })
            })
            section('receive more messages, then v0 switches to a different leader', () => {
              const nom1 = makeNominate('v1', qSetHash, 0n, [k], [])
              const nom2 = makeNominate('v2', qSetHash, 0n, [y], [])

              // nothing more happens
              scp.receiveEnvelope(nom1)
              scp.receiveEnvelope(nom2)
              expect(scp.envs.length).toBe(1)

              // switch leader to v1
              scp.priorityLookup = leaderIs('v1')
              expect(scp.nominate(0n, x, true)).toBe(true)
              expect(scp.envs.length).toBe(2)
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, sorted(x, k), [])
            })
            section('select accepted value from leader', () => {
              expect(scp.envs.length).toBe(1)
              // Update round leader to v1
              scp.priorityLookup = leaderIs('v1')
              const nom1 = makeNominate('v1', qSetHash, 0n, [y, z], [y])

              section('receive accepted before timeout', () => {
                // nothing more happens, v0 is leader
                scp.receiveEnvelope(nom1)
                expect(scp.envs.length).toBe(1)
                // Update round leaders, vote for accepted value (y)
                expect(scp.nominate(0n, x, true)).toBe(true)
                expect(scp.envs.length).toBe(2)
              })
              section('receive accepted after timeout', () => {
                expect(scp.nominate(0n, x, true)).toBe(false)
                expect(scp.envs.length).toBe(1)
                // Vote for accepted value (y)
                scp.receiveEnvelope(nom1)
                expect(scp.envs.length).toBe(2)
              })

              const votesXY = [x, y]
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, votesXY, [])

              const nom2 = makeNominate('v1', qSetHash, 0n, [y, z, zz], [y])
              scp.receiveEnvelope(nom2)
              // Nothing happens, as v0 already voted for the accepted value (y)
              expect(scp.envs.length).toBe(2)
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, votesXY, [])
            })
          })
          section("self nominates 'x', others nominate y -> prepare y", () => {
            const myVotes = [x]
            const accepted: Value[] = []

            scp.expectedCandidates = [x]
            scp.compositeValue = x
            expect(scp.nominate(0n, x, false)).toBe(true)
            expect(scp.envs.length).toBe(1)
            verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, myVotes, accepted)

            const votes = [y]
            const acceptedY = [...accepted, y]

            section('others only vote for y', () => {
              const nom1 = makeNominate('v1', qSetHash, 0n, votes, accepted)
              const nom2 = makeNominate('v2', qSetHash, 0n, votes, accepted)
              const nom3 = makeNominate('v3', qSetHash, 0n, votes, accepted)
              const nom4 = makeNominate('v4', qSetHash, 0n, votes, accepted)

              // nothing happens yet
              scp.receiveEnvelope(nom1)
              scp.receiveEnvelope(nom2)
              scp.receiveEnvelope(nom3)
              expect(scp.envs.length).toBe(1)

              // 'y' is accepted (quorum)
              scp.receiveEnvelope(nom4)
              expect(scp.envs.length).toBe(2)
              myVotes.push(y)
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, myVotes, acceptedY)
            })
            section('others accepted y', () => {
              const acc1 = makeNominate('v1', qSetHash, 0n, votes, acceptedY)
              const acc2 = makeNominate('v2', qSetHash, 0n, votes, acceptedY)
              const acc3 = makeNominate('v3', qSetHash, 0n, votes, acceptedY)
              const acc4 = makeNominate('v4', qSetHash, 0n, votes, acceptedY)

              scp.receiveEnvelope(acc1)
              expect(scp.envs.length).toBe(1)

              // this causes 'y' to be accepted (v-blocking)
              scp.receiveEnvelope(acc2)
              expect(scp.envs.length).toBe(2)
              myVotes.push(y)
              verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, myVotes, acceptedY)

              scp.expectedCandidates = [y]
              scp.compositeValue = y
              // this causes the node to send a prepare message (quorum)
              scp.receiveEnvelope(acc3)
              expect(scp.envs.length).toBe(3)
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, B(1, y))

              scp.receiveEnvelope(acc4)
              expect(scp.envs.length).toBe(3)
            })
          })
        })
      }
    })

    section('v1 is top node', () => {
      for (const cfg of TIMEOUT_CONFIGS) {
        section(cfg.name, () => {
          const scp = new TestScp('v0', qSet)
          applyTimeouts(scp, cfg)
          const qSetHash0 = scp.scp.getLocalQuorumSetHash()
          scp.storeQuorumSet(qSet)
          scp.priorityLookup = leaderIs('v1')

          const votesX = [x]
          const votesY = [y]
          const votesXY = sorted(x, y)
          const votesXK = sorted(x, k)
          const emptyV: Value[] = []
          const valuesHash = sorted(x, y, k)
          scp.hashValueCalculator = (v) => {
            const pos = valuesHash.findIndex((h) => compareBytes(h, v) === 0)
            if (pos < 0) throw new Error('unexpected value')
            return BigInt(1 + pos)
          }

          let nom1 = makeNominate('v1', qSetHash, 0n, votesXY, emptyV)
          let nom2 = makeNominate('v2', qSetHash, 0n, votesXK, emptyV)

          section('value from v1 is a candidate, self should not introduce new value on timeout', () => {
            expect(scp.nominate(0n, x, false)).toBe(false)
            checkLeaders(scp, ['v1'])
            expect(scp.envs.length).toBe(0)
            nom1 = makeNominate('v1', qSetHash, 0n, votesX, emptyV)
            nom2 = makeNominate('v2', qSetHash, 0n, votesX, emptyV)
            const nom3 = makeNominate('v3', qSetHash, 0n, votesX, emptyV)

            // Receive `x` from v1, vote for it
            scp.receiveEnvelope(nom1)
            expect(scp.envs.length).toBe(1)
            verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, votesX, emptyV)

            scp.receiveEnvelope(nom2)
            scp.receiveEnvelope(nom3)
            expect(scp.envs.length).toBe(2)
            verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, votesX, votesX)

            const acc1 = makeNominate('v1', qSetHash, 0n, votesX, votesX)
            const acc2 = makeNominate('v2', qSetHash, 0n, votesX, votesX)
            const acc3 = makeNominate('v3', qSetHash, 0n, votesX, votesX)

            scp.receiveEnvelope(acc1)
            scp.receiveEnvelope(acc2)
            expect(scp.envs.length).toBe(2)

            // Receive accept from quorum, ratify and generate a candidate value
            expect(scp.timers.has('nomination')).toBe(true)
            scp.compositeValue = x
            scp.expectedCandidates = [x]
            scp.receiveEnvelope(acc3)
            expect(scp.envs.length).toBe(3)
            // Timer is cancelled
            expect(scp.timers.has('nomination')).toBe(false)

            // v0 is the new leader, but we already have a candidate
            scp.priorityLookup = leaderIs('v0')
            expect(scp.nominate(0n, k, true)).toBe(false)
          })
          section('nomination waits for v1', () => {
            expect(scp.nominate(0n, x, false)).toBe(false)
            checkLeaders(scp, ['v1'])
            expect(scp.envs.length).toBe(0)

            const nom4 = makeNominate('v4', qSetHash, 0n, votesXK, emptyV)

            // nothing happens with non top nodes
            scp.receiveEnvelope(nom2)
            // (note: don't receive anything from node3 - we want to pick another dead node)
            expect(scp.envs.length).toBe(0)

            // v1 is leader -> nominate the first value from its message that's "y"
            scp.receiveEnvelope(nom1)
            expect(scp.envs.length).toBe(1)
            verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, votesY, emptyV)

            scp.receiveEnvelope(nom4)
            expect(scp.envs.length).toBe(1)

            // "timeout -> pick another value from v1"
            scp.expectedCandidates = [x]
            scp.compositeValue = x

            // allows to pick another leader, pick another dead node v3 as to force picking up a
            // new value from v1
            scp.priorityLookup = leaderIs('v3')

            // note: value passed in here should be ignored
            expect(scp.nominate(0n, k, true)).toBe(true)
            // picks up 'x' from v1 (as we already have 'y') which also happens to causes 'x' to
            // be accepted
            expect(scp.envs.length).toBe(2)
            verifyNominate(scp.envs[1], 'v0', qSetHash0, 0n, votesXY, votesX)
          })
          section('v1 dead, timeout', () => {
            expect(scp.nominate(0n, x, false)).toBe(false)
            expect(scp.envs.length).toBe(0)
            scp.receiveEnvelope(nom2)
            expect(scp.envs.length).toBe(0)
            checkLeaders(scp, ['v1'])

            section('v0 is new top node', () => {
              scp.priorityLookup = leaderIs('v0')
              expect(scp.nominate(0n, x, true)).toBe(true)
              checkLeaders(scp, ['v0', 'v1'])
              expect(scp.envs.length).toBe(1)
              verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, votesX, emptyV)
            })
            section('v2 is new top node', () => {
              scp.priorityLookup = leaderIs('v2')
              expect(scp.nominate(0n, x, true)).toBe(true)
              checkLeaders(scp, ['v1', 'v2'])
              expect(scp.envs.length).toBe(1)
              // v2 votes for XK, but nomination only picks the highest value
              verifyNominate(scp.envs[0], 'v0', qSetHash0, 0n, [maxValue(x, k)], emptyV)
            })
            section('v3 is new top node', () => {
              scp.priorityLookup = leaderIs('v3')
              // nothing happens, we don't have any message for v3
              expect(scp.nominate(0n, x, true)).toBe(false)
              checkLeaders(scp, ['v1', 'v3'])
              expect(scp.envs.length).toBe(0)
            })
          })
        })
      }
    })
  })
})
