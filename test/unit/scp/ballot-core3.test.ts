/**
 * Port of stellar-core's "ballot protocol core3" test case (src/scp/test/SCPTests.cpp at a9b86132):
 * three nodes with threshold 2, where a v-blocking set and a quorum can be the same two nodes, and a
 * node that is not in its own quorum set ("node without self") reaching quorum through others only.
 */
import { describe, expect } from 'vitest'
import {
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
  makePrepare,
  makeValues,
  TestScp,
  TIMEOUT_CONFIGS,
  verifyConfirm,
  verifyPrepare,
} from './helpers/test-driver.js'

const { x, z } = makeValues()

type Gen = (node: NodeId) => Envelope
const makePrepareGen =
  (qsetHash: Hash, ballot: Ballot, prepared?: Ballot, nC = 0, nH = 0, preparedPrime?: Ballot): Gen =>
  (node) =>
    makePrepare(node, qsetHash, 0n, ballot, prepared, nC, nH, preparedPrime)

describe('ballot protocol core3 (stellar-core SCPTests.cpp)', () => {
  sectionTests((section) => {
    // core3 has an edge case where v-blocking and quorum can be the same
    // v-blocking set size: 2
    // threshold: 2 = 1 + self or 2 others
    const qSet = { threshold: 2, validators: ['v0', 'v1', 'v2'], innerSets: [] }
    const qSetHash = quorumSetHash(qSet)

    for (const cfg of TIMEOUT_CONFIGS) {
      section(cfg.name, () => {
        const scp = new TestScp('v0', qSet)
        applyTimeouts(scp, cfg)
        scp.storeQuorumSet(qSet)
        const qSetHash0 = scp.scp.getLocalQuorumSetHash()
        const recvQuorumChecksEx2 = (
          gen: Gen,
          withChecks: boolean,
          delayedQuorum: boolean,
          checkUpcoming: boolean,
          minQuorum: boolean,
        ): void => {
          const e1 = gen('v1')
          const e2 = gen('v2')
          scp.bumpTimerOffset()
          const i = scp.envs.length + 1
          scp.receiveEnvelope(e1)
          if (withChecks && !delayedQuorum) expect(scp.envs.length).toBe(i)
          if (checkUpcoming) expect(scp.hasBallotTimerUpcoming()).toBe(true)
          if (!minQuorum) {
            // nothing happens with an extra vote (unless we're in delayedQuorum)
            scp.receiveEnvelope(e2)
            if (withChecks) expect(scp.envs.length).toBe(i)
          }
        }
        const recvQuorumChecks = (gen: Gen, withChecks: boolean, delayedQuorum: boolean): void =>
          recvQuorumChecksEx2(gen, withChecks, delayedQuorum, false, false)

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

        let B2 = B(B1.counter, B1.value)
        B2 = B(B2.counter + 1, B2.value)

        section('prepared B1 (quorum votes B1) local aValue', () => {
          expect(scp.bumpState(0n, aValue)).toBe(true)
          expect(scp.envs.length).toBe(1)
          expect(scp.hasBallotTimer()).toBe(false)

          scp.bumpTimerOffset()
          recvQuorumChecks(makePrepareGen(qSetHash, B1), true, true)
          expect(scp.envs.length).toBe(2)
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, B1)
          expect(scp.hasBallotTimerUpcoming()).toBe(true)
          section('quorum prepared B1', () => {
            scp.bumpTimerOffset()
            recvQuorumChecks(makePrepareGen(qSetHash, B1, B1), false, false)
            expect(scp.envs.length).toBe(2)
            // nothing happens:
            // computed_h = B1 (2)
            //    does not actually update h as b > computed_h
            //    also skips (3)
            expect(scp.hasBallotTimerUpcoming()).toBe(false)
            section('quorum bumps to A1', () => {
              scp.bumpTimerOffset()
              recvQuorumChecksEx2(makePrepareGen(qSetHash, A1, B1), false, false, false, true)

              expect(scp.envs.length).toBe(3)
              // still does not set h as b > computed_h
              verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, A1, A1, 0, 0, B1)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)

              scp.bumpTimerOffset()
              // quorum commits A1
              recvQuorumChecksEx2(makePrepareGen(qSetHash, A2, A1, 1, 1, B1), false, false, false, true)
              expect(scp.envs.length).toBe(4)
              verifyConfirm(scp.envs[3], 'v0', qSetHash0, 0n, 2, A1, 1, 1)
              expect(scp.hasBallotTimerUpcoming()).toBe(false)
            })
          })
        })
        section('prepared A1 with timeout', () => {
          // starts with bValue (smallest)
          expect(scp.bumpState(0n, bValue)).toBe(true)
          expect(scp.envs.length).toBe(1)

          // setup
          recvQuorumChecks(makePrepareGen(qSetHash, A1, A1, 0, 1), false, false)
          expect(scp.envs.length).toBe(2)
          verifyPrepare(scp.envs[1], 'v0', qSetHash0, 0n, A1, A1, 1, 1)

          // now, receive bumped votes
          recvQuorumChecks(makePrepareGen(qSetHash, A2, B2, 0, 1, A1), true, true)
          expect(scp.envs.length).toBe(3)
          // p=B2, p'=A1 (1)
          // computed_h = B2 (2)
          //   does not update h as b < computed_h
          // v-blocking ahead -> b = computed_h = B2 (9)
          // h = B2 (2) (now possible)
          // c = 0 (1)
          verifyPrepare(scp.envs[2], 'v0', qSetHash0, 0n, B2, A2, 0, 2, B2)
        })
        section('node without self - quorum timeout', () => {
          const scpNNS = new TestScp('vNodeNS', qSet)
          scpNNS.storeQuorumSet(qSet)
          const qSetHashNodeNS = scpNNS.scp.getLocalQuorumSetHash()

          scpNNS.receiveEnvelope(makePrepare('v1', qSetHash, 0n, A2, B2, 0, 1, A1))
          scpNNS.receiveEnvelope(makePrepare('v2', qSetHash, 0n, A1, A1, 1, 1))

          expect(scpNNS.envs.length).toBe(1)
          verifyPrepare(scpNNS.envs[0], 'vNodeNS', qSetHashNodeNS, 0n, A1, A1, 1, 1)

          scpNNS.receiveEnvelope(makePrepare('v0', qSetHash, 0n, A2, B2, 0, 1, A1))

          expect(scpNNS.envs.length).toBe(2)
          verifyPrepare(scpNNS.envs[1], 'vNodeNS', qSetHashNodeNS, 0n, B2, A2, 0, 2, B2)
        })
      })
    }
  })
})
