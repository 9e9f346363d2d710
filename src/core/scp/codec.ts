/**
 * Wire codec for SCP: QuorumSet, Statement and Envelope as canonical-codec message types, the quorum
 * set hash, the signing input of a statement, and the hash helpers behind nomination leader
 * election. Field order and union tags follow stellar-core's `Stellar-SCP.x` (PREPARE = 0,
 * CONFIRM = 1, EXTERNALIZE = 2, NOMINATE = 3); the encoding is the project's DAG-CBOR tuple codec
 * (docs/architecture.md), not XDR. Limits are documented in docs/scp.md §Limits.
 */
import {
  bytes as byteString,
  type Codec,
  type Data,
  EncodeError,
  list,
  messageType,
  optional,
  readU64be,
  SchemaMismatchError,
  sha256,
  signatureBase,
  struct,
  text,
  u32,
  u64,
  union,
  utf8,
  ValueOutOfRangeError,
  version,
} from '../codec/index.js'
import { MAXIMUM_QUORUM_NESTING_LEVEL, MAXIMUM_QUORUM_SET_VALIDATORS } from './quorum.js'
import type { Ballot, Envelope, Hash, NodeId, Pledges, QuorumSet, Statement, Value } from './types.js'

/** A NodeId on the wire: UTF-8 text of at most 64 bytes (a StrKey validator id is 56 characters). */
export const MAX_NODE_ID_BYTES = 64
/**
 * A Value on the wire: at most 512 bytes. A Watt value names a transaction set by hash plus a close
 * time, upgrades and the proposer's signature (stellar-core's StellarValue is ~150 bytes).
 */
export const MAX_VALUE_BYTES = 512
/**
 * Votes and accepted values in one NOMINATE: at most 128 each. Honest nodes vote only for values
 * proposed by round leaders (at most one per validator and round), so this is far above what a
 * 100-validator network produces; the core never votes for more (see nomination.ts).
 */
export const MAX_NOMINATION_VALUES = 128
/** Envelope signatures: Ed25519 is 64 bytes; an unsigned envelope (tests, simulator) has 0. */
export const MAX_SIGNATURE_BYTES = 64
/** Entries per level of a quorum set (validators, and inner sets), stellar-core's 1000-node bound. */
export const MAX_QUORUM_SET_ENTRIES = MAXIMUM_QUORUM_SET_VALIDATORS

export const nodeIdCodec: Codec<NodeId> = text(MAX_NODE_ID_BYTES)
export const valueCodec: Codec<Value> = byteString(0, MAX_VALUE_BYTES)
export const hashCodec: Codec<Hash> = byteString(32)
export const ballotCodec: Codec<Ballot> = struct('Ballot', { counter: u32, value: valueCodec })

const validatorsCodec = list(nodeIdCodec, MAX_QUORUM_SET_ENTRIES)

/**
 * QuorumSet as `[threshold, validators, innerSets]`, recursively. Encoding accepts any depth (so
 * `quorumSetHash` works for insane sets too, e.g. to test that they are refused); decoding refuses
 * nesting deeper than stellar-core's MAXIMUM_QUORUM_NESTING_LEVEL, which also bounds the decoder's
 * recursion. Semantic checks (thresholds, duplicates) are `isQuorumSetSane`'s job, not the codec's.
 */
function quorumSetCodecAt(depth: number): Codec<QuorumSet> {
  return {
    kind: 'QuorumSet',
    toData(q, path) {
      if (typeof q !== 'object' || q === null || !Array.isArray(q.innerSets)) {
        throw new EncodeError(`encode ${path}: expected QuorumSet`)
      }
      if (q.innerSets.length > MAX_QUORUM_SET_ENTRIES) {
        throw new EncodeError(`encode ${path}.innerSets: more than ${MAX_QUORUM_SET_ENTRIES} entries`)
      }
      const inner = quorumSetCodecAt(depth + 1)
      return [
        u32.toData(q.threshold, `${path}.threshold`),
        validatorsCodec.toData(q.validators, `${path}.validators`),
        q.innerSets.map((s, i) => inner.toData(s, `${path}.innerSets[${i}]`)),
      ]
    },
    fromData(d, path) {
      if (!Array.isArray(d) || d.length !== 3) {
        throw new SchemaMismatchError(path, 'expected QuorumSet [threshold, validators, innerSets]')
      }
      const [t, v, i] = d as readonly Data[]
      const threshold = u32.fromData(t!, `${path}.threshold`)
      const validators = validatorsCodec.fromData(v!, `${path}.validators`)
      if (!Array.isArray(i)) throw new SchemaMismatchError(`${path}.innerSets`, 'expected a list')
      if (i.length > 0 && depth >= MAXIMUM_QUORUM_NESTING_LEVEL) {
        throw new ValueOutOfRangeError(
          `${path}.innerSets`,
          `nesting deeper than ${MAXIMUM_QUORUM_NESTING_LEVEL} levels`,
        )
      }
      if (i.length > MAX_QUORUM_SET_ENTRIES) {
        throw new ValueOutOfRangeError(`${path}.innerSets`, `more than ${MAX_QUORUM_SET_ENTRIES} entries`)
      }
      const inner = quorumSetCodecAt(depth + 1)
      const innerSets = (i as readonly Data[]).map((s, k) => inner.fromData(s, `${path}.innerSets[${k}]`))
      return { threshold, validators, innerSets }
    },
  }
}

/** A versioned top-level wrapper: `[version, ...fields]` around a tuple codec. */
function versioned<T>(kind: string, v: number, inner: Codec<T>): Codec<T> {
  const ver = version(v)
  return {
    kind,
    toData(value, path) {
      const body = inner.toData(value, path || kind)
      return [ver.toData(v, `${path || kind}.v`), ...(body as readonly Data[])]
    },
    fromData(d, path) {
      const p = path || kind
      if (!Array.isArray(d) || d.length === 0) throw new SchemaMismatchError(p, `expected ${kind}`)
      ver.fromData(d[0]!, `${p}.v`)
      return inner.fromData(d.slice(1), p)
    },
  }
}

const pledgesCodec: Codec<Pledges> = union('Pledges', {
  prepare: [
    0,
    struct('Prepare', {
      quorumSetHash: hashCodec,
      ballot: ballotCodec,
      prepared: optional(ballotCodec),
      preparedPrime: optional(ballotCodec),
      nC: u32,
      nH: u32,
    }),
  ],
  confirm: [
    1,
    struct('Confirm', {
      ballot: ballotCodec,
      nPrepared: u32,
      nCommit: u32,
      nH: u32,
      quorumSetHash: hashCodec,
    }),
  ],
  externalize: [2, struct('Externalize', { commit: ballotCodec, nH: u32, commitQuorumSetHash: hashCodec })],
  nominate: [
    3,
    struct('Nominate', {
      quorumSetHash: hashCodec,
      votes: list(valueCodec, MAX_NOMINATION_VALUES),
      accepted: list(valueCodec, MAX_NOMINATION_VALUES),
    }),
  ],
})

const statementBody: Codec<Statement> = struct('Statement', {
  nodeId: nodeIdCodec,
  slotIndex: u64,
  pledges: pledgesCodec,
})
const envelopeBody = struct('Envelope', {
  statement: versioned('Statement', 1, statementBody),
  signature: byteString(0, MAX_SIGNATURE_BYTES),
})

// Size limits, derived from the item limits above (docs/scp.md §Limits). CBOR heads: a byte string
// or text of n ≥ 256 bytes costs a 3-byte head, an array of up to 65535 items 3 bytes, an integer
// up to 2^64 at most 9 bytes.
const BALLOT_MAX = 1 + 5 + (3 + MAX_VALUE_BYTES)
const NODE_ID_MAX = 2 + MAX_NODE_ID_BYTES
const NOMINATE_MAX = 3 + 2 + 34 + 2 * (3 + MAX_NOMINATION_VALUES * (3 + MAX_VALUE_BYTES))
/** The largest Statement: a NOMINATE with both lists full of maximal values (131,962 bytes). */
export const MAX_STATEMENT_BYTES =
  1 + 1 + NODE_ID_MAX + 9 + Math.max(NOMINATE_MAX, 3 + 2 + 34 + 3 * BALLOT_MAX + 10)
/** The largest Envelope: the largest statement and a 64-byte signature (132,030 bytes). */
export const MAX_ENVELOPE_BYTES = 1 + 1 + MAX_STATEMENT_BYTES + 2 + MAX_SIGNATURE_BYTES
/**
 * The largest QuorumSet: 84 KiB. The largest sane set names 1000 validators of 64-byte ids, each
 * wrapped in four single-entry inner sets down to the deepest level (82,009 bytes; a flat set of
 * 1000 validators is 66,009). Sanity itself is `isQuorumSetSane`'s job, not the codec's.
 */
export const MAX_QUORUM_SET_BYTES = 84 * 1024

export const QuorumSetMessage = messageType(
  'QuorumSet',
  versioned('QuorumSet', 1, quorumSetCodecAt(0)),
  MAX_QUORUM_SET_BYTES,
)
export const StatementMessage = messageType(
  'Statement',
  versioned('Statement', 1, statementBody),
  MAX_STATEMENT_BYTES,
)
export const EnvelopeMessage = messageType<Envelope>(
  'Envelope',
  versioned('Envelope', 1, envelopeBody),
  MAX_ENVELOPE_BYTES,
)

export const encodeQuorumSet = (q: QuorumSet): Uint8Array => QuorumSetMessage.encode(q)
export const encodeStatement = (st: Statement): Uint8Array => StatementMessage.encode(st)
export const encodeEnvelope = (e: Envelope): Uint8Array => EnvelopeMessage.encode(e)

/** SHA-256 of the canonical QuorumSet encoding (stellar-core: SHA-256 of its XDR, `getHashOf`). */
export function quorumSetHash(q: QuorumSet): Hash {
  return sha256(encodeQuorumSet(q))
}

/** The bytes a node signs for a statement (the relay signs `statementSignatureBase(...)`). */
export function statementSigningBody(st: Statement): Uint8Array {
  return encodeStatement(st)
}

/** `signatureBase(networkId, 'scpStatement', encodeStatement(st))`: the 32 bytes to sign or verify. */
export function statementSignatureBase(networkId: Uint8Array, st: Statement): Uint8Array {
  return signatureBase(networkId, 'scpStatement', encodeStatement(st))
}

// ---- nomination hash helpers (stellar-core SCPDriver::hashHelper) ----

/** Tags of stellar-core's hash helper: neighbourhood, priority, value ordering. */
export const HASH_N = 1
export const HASH_P = 2
export const HASH_K = 3

/** CBOR head (major type, argument) in the minimal form the canonical codec produces. */
function head(out: number[], major: number, n: bigint): void {
  const m = major << 5
  if (n < 24n) out.push(m | Number(n))
  else if (n < 0x100n) out.push(m | 24, Number(n))
  else if (n < 0x10000n) out.push(m | 25, Number(n >> 8n), Number(n & 0xffn))
  else if (n < 0x100000000n) {
    out.push(m | 26)
    for (let s = 24n; s >= 0n; s -= 8n) out.push(Number((n >> s) & 0xffn))
  } else {
    out.push(m | 27)
    for (let s = 56n; s >= 0n; s -= 8n) out.push(Number((n >> s) & 0xffn))
  }
}

const utf8Cache = new Map<string, Uint8Array>()
function utf8Of(s: string): Uint8Array {
  let b = utf8Cache.get(s)
  if (b === undefined) {
    b = utf8(s)
    if (utf8Cache.size >= 4096) utf8Cache.clear()
    utf8Cache.set(s, b)
  }
  return b
}

/**
 * The canonical encoding of `[slotIndex, previousValue, tag, round, last]` (a CBOR array of five:
 * uint, bytes, uint, uint, text or bytes), written directly: this runs for every node of the qset
 * in every nomination round. Equal to `encodeData` of the same tuple (checked by the tests).
 */
export function encodeHashInput(
  slotIndex: bigint,
  previousValue: Uint8Array,
  tag: number,
  round: number,
  last: string | Uint8Array,
): Uint8Array {
  if (slotIndex < 0n || slotIndex > 0xffffffffffffffffn) {
    throw new RangeError(`encodeHashInput: expected a uint64 slot index, got ${slotIndex}`)
  }
  if (!Number.isInteger(round) || round < 0 || round > 0xffffffff) {
    throw new RangeError(`encodeHashInput: expected a uint32 round, got ${round}`)
  }
  const tail = typeof last === 'string' ? utf8Of(last) : last
  const out: number[] = [0x85]
  head(out, 0, slotIndex)
  head(out, 2, BigInt(previousValue.length))
  const a = new Uint8Array(out.length + previousValue.length + 20 + tail.length)
  a.set(out)
  a.set(previousValue, out.length)
  const rest: number[] = []
  head(rest, 0, BigInt(tag))
  head(rest, 0, BigInt(round))
  head(rest, typeof last === 'string' ? 3 : 2, BigInt(tail.length))
  a.set(rest, out.length + previousValue.length)
  a.set(tail, out.length + previousValue.length + rest.length)
  return a.subarray(0, out.length + previousValue.length + rest.length + tail.length)
}

/**
 * stellar-core's default `SCPDriver::computeHashNode`: the first 8 bytes (big-endian) of
 * SHA-256(slotIndex ‖ previousValue ‖ tag ‖ round ‖ nodeId) with tag P (2) for priority and N (1)
 * for the neighbourhood test. stellar-core hashes the XDR of each item; Watt hashes the canonical
 * encoding of the tuple `[slotIndex, previousValue, tag, round, nodeId]`.
 */
export function defaultComputeHashNode(
  slotIndex: bigint,
  previousValue: Value,
  isPriority: boolean,
  round: number,
  nodeId: NodeId,
): bigint {
  return readU64be(
    sha256(encodeHashInput(slotIndex, previousValue, isPriority ? HASH_P : HASH_N, round, nodeId)),
  )
}

/** stellar-core's default `SCPDriver::computeValueHash`: as above with tag K (3) and the value. */
export function defaultComputeValueHash(
  slotIndex: bigint,
  previousValue: Value,
  round: number,
  value: Value,
): bigint {
  return readU64be(sha256(encodeHashInput(slotIndex, previousValue, HASH_K, round, value)))
}
