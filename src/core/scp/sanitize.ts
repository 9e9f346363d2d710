/**
 * Shape check and defensive copy of an envelope handed to the core. Envelopes normally come from the
 * wire codec and are well-formed, but `receiveEnvelope` is peer input and must never throw: anything
 * that does not fit the data model (a counter that is not a uint32, a hash that is not 32 bytes, a
 * slot index that is not a uint64 bigint, ...) is refused here, before any protocol logic. The copy
 * keeps later mutation of the caller's object from changing recorded state (stellar-core copies the
 * envelope into its wrapper too); value bytes are shared, not copied.
 */
import type { Ballot, Envelope, Pledges, Statement, Value } from './types.js'

const U32_MAX = 0xffffffff
const U64_MAX = 0xffffffffffffffffn

const isU32 = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= U32_MAX
const isBytes = (b: unknown): b is Uint8Array => b instanceof Uint8Array
const isHash = (b: unknown): b is Uint8Array => b instanceof Uint8Array && b.length === 32
const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null

function ballotOf(b: unknown): Ballot | undefined {
  if (!isObject(b) || !isU32(b.counter) || !isBytes(b.value)) return undefined
  return { counter: b.counter, value: b.value }
}

function valuesOf(list: unknown): Value[] | undefined {
  if (!Array.isArray(list)) return undefined
  for (const v of list) if (!isBytes(v)) return undefined
  return [...(list as Value[])]
}

function pledgesOf(p: unknown): Pledges | undefined {
  if (!isObject(p)) return undefined
  switch (p.type) {
    case 'nominate': {
      const votes = valuesOf(p.votes)
      const accepted = valuesOf(p.accepted)
      if (!isHash(p.quorumSetHash) || !votes || !accepted) return undefined
      return { type: 'nominate', quorumSetHash: p.quorumSetHash, votes, accepted }
    }
    case 'prepare': {
      const ballot = ballotOf(p.ballot)
      if (!isHash(p.quorumSetHash) || !ballot || !isU32(p.nC) || !isU32(p.nH)) return undefined
      const out: Pledges = { type: 'prepare', quorumSetHash: p.quorumSetHash, ballot, nC: p.nC, nH: p.nH }
      if (p.prepared !== undefined) {
        const b = ballotOf(p.prepared)
        if (!b) return undefined
        out.prepared = b
      }
      if (p.preparedPrime !== undefined) {
        const b = ballotOf(p.preparedPrime)
        if (!b) return undefined
        out.preparedPrime = b
      }
      return out
    }
    case 'confirm': {
      const ballot = ballotOf(p.ballot)
      if (!isHash(p.quorumSetHash) || !ballot || !isU32(p.nPrepared) || !isU32(p.nCommit) || !isU32(p.nH)) {
        return undefined
      }
      return {
        type: 'confirm',
        quorumSetHash: p.quorumSetHash,
        ballot,
        nPrepared: p.nPrepared,
        nCommit: p.nCommit,
        nH: p.nH,
      }
    }
    case 'externalize': {
      const commit = ballotOf(p.commit)
      if (!isHash(p.commitQuorumSetHash) || !commit || !isU32(p.nH)) return undefined
      return { type: 'externalize', commitQuorumSetHash: p.commitQuorumSetHash, commit, nH: p.nH }
    }
    default:
      return undefined
  }
}

/** A well-formed copy of the statement, or undefined. */
export function sanitizeStatement(st: unknown): Statement | undefined {
  if (!isObject(st)) return undefined
  if (typeof st.nodeId !== 'string') return undefined
  if (typeof st.slotIndex !== 'bigint' || st.slotIndex < 0n || st.slotIndex > U64_MAX) return undefined
  const pledges = pledgesOf(st.pledges)
  if (!pledges) return undefined
  return { nodeId: st.nodeId, slotIndex: st.slotIndex, pledges }
}

/** A well-formed copy of the envelope, or undefined. */
export function sanitizeEnvelope(e: unknown): Envelope | undefined {
  if (!isObject(e) || !isBytes(e.signature)) return undefined
  const statement = sanitizeStatement(e.statement)
  if (!statement) return undefined
  return { statement, signature: e.signature }
}
