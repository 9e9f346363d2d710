/** An in-memory NodeStore: the simulator's and the unit tests' store. Same semantics as SQLite, minus disk. */
import { toHex } from '../../../src/core/codec/bytes.js'
import type { Entry, LedgerDiff, PayoutTable } from '../../../src/core/ledger/index.js'
import { type LedgerRecord, type NodeStore, PAYOUT_RETENTION_DAYS, type TxLocation } from './interface.js'

export class MemoryStore implements NodeStore {
  readonly kind = 'memory'
  private readonly ledgers = new Map<bigint, LedgerRecord>()
  private readonly state = new Map<string, Entry>()
  private readonly tables = new Map<bigint, PayoutTable>()
  private readonly txs = new Map<string, TxLocation>()
  private readonly own = new Map<string, Uint8Array>()
  private readonly certs = new Map<bigint, Map<string, Uint8Array>>()
  private readonly meta = new Map<string, string>()
  private last: bigint | undefined

  lastLedger() {
    return this.last === undefined ? undefined : this.ledgers.get(this.last)
  }
  ledger(seq: bigint) {
    return this.ledgers.get(seq)
  }
  private readonly setsByHash = new Map<string, Uint8Array>()
  txSetByHash(hash: Uint8Array) {
    return this.setsByHash.get(toHex(hash))
  }
  entries() {
    return this.state.entries()
  }
  payoutTables() {
    return [...this.tables.values()].sort((a, b) => (a.day < b.day ? -1 : 1))
  }
  payoutTable(day: bigint) {
    return this.tables.get(day)
  }
  commitLedger(record: LedgerRecord, diff: LedgerDiff) {
    if (this.last !== undefined && record.seq !== this.last + 1n) {
      throw new Error(`MemoryStore.commitLedger: expected ledger ${this.last + 1n}, got ${record.seq}`)
    }
    this.ledgers.set(record.seq, record)
    this.setsByHash.set(toHex(record.txSetHash), record.txSet)
    for (const { key, entry } of diff.entries) {
      if (entry) this.state.set(key, entry)
      else this.state.delete(key)
    }
    for (const t of diff.payoutTablesAdded) {
      this.tables.set(t.day, t)
      for (const d of [...this.tables.keys()]) if (d + PAYOUT_RETENTION_DAYS < t.day) this.tables.delete(d)
    }
    record.txHashes.forEach((h, index) => {
      this.txs.set(toHex(h), { seq: record.seq, index })
    })
    this.last = record.seq
  }
  txLocation(hash: Uint8Array) {
    return this.txs.get(toHex(hash))
  }
  saveOwnEnvelope(slot: bigint, kind: 'nomination' | 'ballot', envelope: Uint8Array) {
    this.own.set(`${slot}:${kind}`, envelope)
  }
  ownEnvelopes(slot: bigint) {
    return (['nomination', 'ballot'] as const).flatMap((k) => {
      const e = this.own.get(`${slot}:${k}`)
      return e ? [e] : []
    })
  }
  addExternalize(slot: bigint, nodeId: string, envelope: Uint8Array) {
    let m = this.certs.get(slot)
    if (!m) {
      m = new Map()
      this.certs.set(slot, m)
    }
    m.set(nodeId, envelope)
  }
  externalizes(slot: bigint) {
    return [...(this.certs.get(slot)?.entries() ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => e)
  }
  getMeta(key: string) {
    return this.meta.get(key)
  }
  setMeta(key: string, value: string) {
    this.meta.set(key, value)
  }
  prune(beforeSlot: bigint) {
    for (const k of [...this.own.keys()]) if (BigInt(k.split(':')[0]!) < beforeSlot) this.own.delete(k)
  }
  close() {}
}
