/**
 * The payout table of a closed mining day, and the payslip proofs phones verify against it.
 *
 * One fixed-width record per miner of the day, in account-index order:
 *
 *   account (32) ‖ index u32 ‖ circle u8 ‖ referrals u8 ‖ node u8 ‖ points u8 ‖ reward u64 ‖ feeShare u64
 *
 * (big-endian; 56 bytes). Records are grouped in chunks of 64 and the table's root is the binary Merkle
 * root (src/core/merkle/list.ts) over the chunks. Hashing whole chunks instead of one leaf per miner
 * makes the root of a million-miner day cost ~56 MB of bulk hashing (tens of milliseconds) instead of
 * two million small hashes; a payslip proof is one 3.5 KiB chunk plus a ~14-hash path.
 */
import { equalBytes, readU64be } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'
import { bytes, type Infer, messageType, struct, u32, u64, version } from '../codec/index.js'
import { MerkleProofType, merkleProof, merkleRoot, verifyMerkleProof } from '../merkle/list.js'

export const RECORD_BYTES = 56
export const RECORDS_PER_CHUNK = 64

/** Weight points (PRODUCT §4.4, in twentieths of a unit of weight so every rule is an integer). */
export const POINTS = {
  pioneer: 20,
  perCircleMember: 4,
  maxCircleMembers: 5,
  perReferral: 5,
  maxReferrals: 4,
  node: 20,
} as const
export const POINTS_PER_WEIGHT = 20

export interface PayoutRecord {
  account: Uint8Array
  index: number
  circle: number
  referrals: number
  node: boolean
  points: number
  reward: bigint
  feeShare: bigint
}

export function pointsOf(circle: number, referrals: number, node: boolean): number {
  return (
    POINTS.pioneer +
    POINTS.perCircleMember * circle +
    POINTS.perReferral * referrals +
    (node ? POINTS.node : 0)
  )
}

export function writeRecord(out: Uint8Array, offset: number, r: PayoutRecord): void {
  out.set(r.account, offset)
  const v = new DataView(out.buffer, out.byteOffset + offset, RECORD_BYTES)
  v.setUint32(32, r.index)
  v.setUint8(36, r.circle)
  v.setUint8(37, r.referrals)
  v.setUint8(38, r.node ? 1 : 0)
  v.setUint8(39, r.points)
  v.setBigUint64(40, r.reward)
  v.setBigUint64(48, r.feeShare)
}

export function readRecord(buf: Uint8Array, offset: number): PayoutRecord {
  const v = new DataView(buf.buffer, buf.byteOffset + offset, RECORD_BYTES)
  return {
    account: buf.slice(offset, offset + 32),
    index: v.getUint32(32),
    circle: v.getUint8(36),
    referrals: v.getUint8(37),
    node: v.getUint8(38) === 1,
    points: v.getUint8(39),
    reward: readU64be(buf, offset + 40),
    feeShare: readU64be(buf, offset + 48),
  }
}

export interface PayoutTable {
  day: bigint
  count: number
  /** count × RECORD_BYTES bytes, in account-index order. */
  records: Uint8Array
  root: Uint8Array
}

export function chunksOf(records: Uint8Array, count: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < count; i += RECORDS_PER_CHUNK) {
    chunks.push(records.subarray(i * RECORD_BYTES, Math.min(count, i + RECORDS_PER_CHUNK) * RECORD_BYTES))
  }
  return chunks
}

export function payoutRoot(
  records: Uint8Array,
  count: number,
  hasher: (b: Uint8Array) => Uint8Array = sha256,
): Uint8Array {
  return merkleRoot(chunksOf(records, count), hasher)
}

/** Rank (position) of the record of account `index` in the table, by binary search; −1 if absent. */
export function findRecord(table: PayoutTable, index: number): number {
  let lo = 0
  let hi = table.count - 1
  const v = new DataView(table.records.buffer, table.records.byteOffset, table.records.byteLength)
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const at = v.getUint32(mid * RECORD_BYTES + 32)
    if (at === index) return mid
    if (at < index) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

export const Payslip = struct('Payslip', {
  v: version(1),
  day: u64,
  /** Number of records in the day's table (fixes the tree shape). */
  count: u32,
  chunkIndex: u32,
  chunk: bytes(RECORD_BYTES, RECORD_BYTES * RECORDS_PER_CHUNK),
  proof: MerkleProofType.codec,
})
export type Payslip = Infer<typeof Payslip>
export const PayslipType = messageType('Payslip', Payslip, 8 * 1024)

/** The payslip of account `index` on the table's day, or undefined if it did not mine that day. */
export function makePayslip(table: PayoutTable, index: number): Payslip | undefined {
  const rank = findRecord(table, index)
  if (rank < 0) return undefined
  const chunks = chunksOf(table.records, table.count)
  const chunkIndex = Math.floor(rank / RECORDS_PER_CHUNK)
  return {
    v: 1,
    day: table.day,
    count: table.count,
    chunkIndex,
    chunk: chunks[chunkIndex]!.slice(),
    proof: merkleProof(chunks, chunkIndex),
  }
}

export type PayslipCheck = { ok: true; record: PayoutRecord } | { ok: false; reason: string }

/** Verify a payslip for `account` against a day's payout root (from a certified header or day entry). */
export function verifyPayslip(root: Uint8Array, account: Uint8Array, slip: Payslip): PayslipCheck {
  const chunkCount = Math.ceil(slip.count / RECORDS_PER_CHUNK)
  if (slip.chunkIndex >= chunkCount) return { ok: false, reason: 'chunk index beyond the table' }
  const expectedRecords =
    slip.chunkIndex === chunkCount - 1 ? slip.count - slip.chunkIndex * RECORDS_PER_CHUNK : RECORDS_PER_CHUNK
  if (slip.chunk.length !== expectedRecords * RECORD_BYTES)
    return { ok: false, reason: 'chunk has the wrong length' }
  const proofCheck = verifyMerkleProof(root, slip.chunkIndex, chunkCount, slip.chunk, slip.proof)
  if (!proofCheck.ok) return { ok: false, reason: `chunk not in the payout table: ${proofCheck.reason}` }
  for (let i = 0; i < expectedRecords; i++) {
    const r = readRecord(slip.chunk, i * RECORD_BYTES)
    if (equalBytes(r.account, account)) return { ok: true, record: r }
  }
  return { ok: false, reason: 'no record for this account in the proven chunk' }
}
