/**
 * The validator's durable store: SQLite through better-sqlite3 (12: 13 crashes on Node 20), in WAL
 * mode, one SQL transaction per closed ledger. A `kill -9` at any moment leaves either the whole
 * ledger or none of it (SQLite's atomic commit), and on restart the node resumes from the last
 * committed ledger (docs/operators.md §Recovery).
 *
 * synchronous = NORMAL (SQLite's recommendation for WAL): a committed transaction survives any crash
 * of the process; only an operating-system crash or power loss can drop the last transactions, which
 * the node then fetches again from its peers (they are certified by the network). FULL would fsync on
 * every own SCP statement (about a dozen per ledger), which measurably slowed consensus on a loaded
 * machine (BENCHMARKS.md, relay throughput).
 */
import Database from 'better-sqlite3'
import type { Entry, LedgerDiff, PayoutTable } from '../../../src/core/ledger/index.js'
import { EntryType, TransactionResultType } from '../../../src/core/ledger/index.js'
import { type LedgerRecord, type NodeStore, PAYOUT_RETENTION_DAYS, type TxLocation } from './interface.js'

interface TableRow {
  day: bigint
  count: bigint
  records: Buffer
  root: Buffer
}
const tableOf = (r: TableRow): PayoutTable => ({
  day: BigInt(r.day),
  count: Number(r.count),
  records: new Uint8Array(r.records.buffer, r.records.byteOffset, r.records.byteLength),
  root: new Uint8Array(r.root.buffer, r.root.byteOffset, r.root.byteLength),
})

const SCHEMA_VERSION = '1'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledgers (
  seq INTEGER PRIMARY KEY, hash BLOB NOT NULL, header BLOB NOT NULL, txset BLOB NOT NULL,
  txset_hash BLOB NOT NULL, results BLOB NOT NULL, close_time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ledgers_txset_hash ON ledgers (txset_hash);
CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS txs (hash BLOB PRIMARY KEY, seq INTEGER NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS payout_tables (day INTEGER PRIMARY KEY, count INTEGER NOT NULL, records BLOB NOT NULL, root BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS own_envelopes (slot INTEGER NOT NULL, kind TEXT NOT NULL, envelope BLOB NOT NULL, PRIMARY KEY (slot, kind));
CREATE TABLE IF NOT EXISTS externalizes (slot INTEGER NOT NULL, node TEXT NOT NULL, envelope BLOB NOT NULL, PRIMARY KEY (slot, node));
`

/** Results are stored as one blob: u32be count, then (u32be length, bytes) per result. */
function packList(items: readonly Uint8Array[]): Buffer {
  const size = 4 + items.reduce((n, b) => n + 4 + b.length, 0)
  const out = Buffer.alloc(size)
  out.writeUInt32BE(items.length, 0)
  let o = 4
  for (const b of items) {
    out.writeUInt32BE(b.length, o)
    out.set(b, o + 4)
    o += 4 + b.length
  }
  return out
}

function unpackList(buf: Uint8Array): Uint8Array[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const n = b.readUInt32BE(0)
  const out: Uint8Array[] = []
  let o = 4
  for (let i = 0; i < n; i++) {
    const len = b.readUInt32BE(o)
    out.push(new Uint8Array(b.subarray(o + 4, o + 4 + len)))
    o += 4 + len
  }
  return out
}

const u8 = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

interface LedgerRow {
  seq: number | bigint
  hash: Buffer
  header: Buffer
  txset: Buffer
  txset_hash: Buffer
  results: Buffer
  close_time: number | bigint
}

export class SqliteStore implements NodeStore {
  readonly kind = 'sqlite'
  private readonly db: Database.Database
  private readonly stmts

  constructor(path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    this.db.defaultSafeIntegers(true)
    this.db.exec(SCHEMA)
    const version = this.getMetaRaw('schema')
    if (version === undefined) this.setMetaRaw('schema', SCHEMA_VERSION)
    else if (version !== SCHEMA_VERSION) {
      throw new Error(
        `SqliteStore: the database at ${path} has schema ${version}, this relay reads schema ${SCHEMA_VERSION}`,
      )
    }
    this.stmts = {
      last: this.db.prepare('SELECT * FROM ledgers ORDER BY seq DESC LIMIT 1'),
      ledger: this.db.prepare('SELECT * FROM ledgers WHERE seq = ?'),
      insertLedger: this.db.prepare(
        'INSERT INTO ledgers (seq, hash, header, txset, txset_hash, results, close_time) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setByHash: this.db.prepare('SELECT txset FROM ledgers WHERE txset_hash = ? LIMIT 1'),
      putEntry: this.db.prepare('INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)'),
      delEntry: this.db.prepare('DELETE FROM entries WHERE key = ?'),
      allEntries: this.db.prepare('SELECT key, value FROM entries'),
      putTx: this.db.prepare('INSERT OR REPLACE INTO txs (hash, seq, idx) VALUES (?, ?, ?)'),
      tx: this.db.prepare('SELECT seq, idx FROM txs WHERE hash = ?'),
      putTable: this.db.prepare(
        'INSERT OR REPLACE INTO payout_tables (day, count, records, root) VALUES (?, ?, ?, ?)',
      ),
      pruneTables: this.db.prepare('DELETE FROM payout_tables WHERE day < ?'),
      table: this.db.prepare('SELECT * FROM payout_tables WHERE day = ?'),
      tables: this.db.prepare('SELECT * FROM payout_tables ORDER BY day'),
      putOwn: this.db.prepare('INSERT OR REPLACE INTO own_envelopes (slot, kind, envelope) VALUES (?, ?, ?)'),
      own: this.db.prepare("SELECT envelope FROM own_envelopes WHERE slot = ? ORDER BY kind = 'ballot'"),
      putCert: this.db.prepare('INSERT OR REPLACE INTO externalizes (slot, node, envelope) VALUES (?, ?, ?)'),
      cert: this.db.prepare('SELECT envelope FROM externalizes WHERE slot = ? ORDER BY node'),
      pruneOwn: this.db.prepare('DELETE FROM own_envelopes WHERE slot < ?'),
    }
  }

  private getMetaRaw(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined
    return row?.value
  }
  private setMetaRaw(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value)
  }

  private toRecord(row: LedgerRow | undefined): LedgerRecord | undefined {
    if (!row) return undefined
    const results = unpackList(row.results)
    return {
      seq: BigInt(row.seq),
      hash: u8(row.hash),
      header: u8(row.header),
      txSet: u8(row.txset),
      txSetHash: u8(row.txset_hash),
      results,
      txHashes: results.map((r) => TransactionResultType.decode(r).txHash),
      closeTime: BigInt(row.close_time),
    }
  }

  lastLedger() {
    return this.toRecord(this.stmts.last.get() as LedgerRow | undefined)
  }
  ledger(seq: bigint) {
    return this.toRecord(this.stmts.ledger.get(seq) as LedgerRow | undefined)
  }
  txSetByHash(hash: Uint8Array) {
    const row = this.stmts.setByHash.get(hash) as { txset: Buffer } | undefined
    return row ? u8(row.txset) : undefined
  }
  *entries(): Iterable<[string, Entry]> {
    for (const row of this.stmts.allEntries.iterate() as Iterable<{ key: Buffer; value: Buffer }>) {
      yield [row.key.toString('latin1'), EntryType.decode(u8(row.value))]
    }
  }
  payoutTables(): PayoutTable[] {
    return (this.stmts.tables.all() as TableRow[]).map(tableOf)
  }
  payoutTable(day: bigint): PayoutTable | undefined {
    const r = this.stmts.table.get(day) as TableRow | undefined
    return r ? tableOf(r) : undefined
  }

  private readonly commitTx = (record: LedgerRecord, diff: LedgerDiff) => {
    const last = this.stmts.last.get() as LedgerRow | undefined
    if (last && BigInt(last.seq) + 1n !== record.seq) {
      throw new Error(`SqliteStore.commitLedger: expected ledger ${BigInt(last.seq) + 1n}, got ${record.seq}`)
    }
    this.stmts.insertLedger.run(
      record.seq,
      record.hash,
      record.header,
      record.txSet,
      record.txSetHash,
      packList(record.results),
      record.closeTime,
    )
    for (const { key, entry } of diff.entries) {
      const k = Buffer.from(key, 'latin1')
      if (entry) this.stmts.putEntry.run(k, EntryType.encode(entry))
      else this.stmts.delEntry.run(k)
    }
    for (const t of diff.payoutTablesAdded) {
      this.stmts.putTable.run(t.day, t.count, t.records, t.root)
      // Tables are kept for payslips after the ledger has credited them; only old days are dropped.
      this.stmts.pruneTables.run(t.day - PAYOUT_RETENTION_DAYS)
    }
    record.txHashes.forEach((h, i) => {
      this.stmts.putTx.run(h, record.seq, i)
    })
  }

  commitLedger(record: LedgerRecord, diff: LedgerDiff) {
    this.db.transaction(this.commitTx)(record, diff)
  }

  txLocation(hash: Uint8Array): TxLocation | undefined {
    const row = this.stmts.tx.get(hash) as { seq: bigint; idx: bigint } | undefined
    return row ? { seq: BigInt(row.seq), index: Number(row.idx) } : undefined
  }
  saveOwnEnvelope(slot: bigint, kind: 'nomination' | 'ballot', envelope: Uint8Array) {
    this.stmts.putOwn.run(slot, kind, envelope)
  }
  ownEnvelopes(slot: bigint) {
    return (this.stmts.own.all(slot) as { envelope: Buffer }[]).map((r) => u8(r.envelope))
  }
  addExternalize(slot: bigint, nodeId: string, envelope: Uint8Array) {
    this.stmts.putCert.run(slot, nodeId, envelope)
  }
  externalizes(slot: bigint) {
    return (this.stmts.cert.all(slot) as { envelope: Buffer }[]).map((r) => u8(r.envelope))
  }
  getMeta(key: string) {
    return this.getMetaRaw(`app:${key}`)
  }
  setMeta(key: string, value: string) {
    this.setMetaRaw(`app:${key}`, value)
  }
  prune(beforeSlot: bigint) {
    this.stmts.pruneOwn.run(beforeSlot)
  }
  close() {
    this.db.close()
  }
}
