/**
 * The NodeStore compliance suite: every store implementation (memory, SQLite) must pass it.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/core/codec/bytes.js'
import { LedgerHeaderType, TransactionResultType } from '../../../../src/core/ledger/index.js'
import { key, TestLedger } from '../../../../test/helpers/ledger.js'
import type { NodeStore } from '../../../src/store/interface.js'

export function runStoreCompliance(
  name: string,
  make: () => { store: NodeStore; reopen?: () => NodeStore; cleanup?: () => void },
): void {
  describe(`NodeStore compliance: ${name}`, () => {
    async function fill(store: NodeStore) {
      const l = new TestLedger()
      const alice = key(1)
      const bob = key(2)
      const records = []
      for (let i = 0; i < 3; i++) {
        const r = await l.close([
          l.sign(alice, [{ type: 'payment', destination: bob.publicKey, amount: BigInt(i + 1) }]),
        ])
        const record = {
          seq: r.header.seq,
          hash: r.headerHash,
          txSetHash: r.header.txSetHash,
          header: LedgerHeaderType.encode(r.header),
          txSet: new Uint8Array([0x83, 0x01, 0x40 + i, 0x80]),
          results: r.results.map((x) => TransactionResultType.encode(x)),
          txHashes: r.results.map((x) => x.txHash),
          closeTime: r.header.value.closeTime,
        }
        store.commitLedger(record, r.diff)
        records.push({ record, r })
      }
      return { l, records }
    }

    it('commits ledgers with their state changes and finds them again', async () => {
      const { store, cleanup } = make()
      try {
        const { l, records } = await fill(store)
        const last = store.lastLedger()!
        expect(last.seq).toBe(records[2]!.record.seq)
        expect(toHex(last.hash)).toBe(toHex(records[2]!.record.hash))
        expect(store.ledger(records[0]!.record.seq)!.results).toEqual(records[0]!.record.results)
        expect(store.ledger(records[0]!.record.seq)!.txHashes.map(toHex)).toEqual(
          records[0]!.record.txHashes.map(toHex),
        )
        const loc = store.txLocation(records[1]!.r.results[0]!.txHash)!
        expect(loc).toEqual({ seq: records[1]!.record.seq, index: 0 })
        expect(store.txSetByHash(records[1]!.record.txSetHash)).toEqual(records[1]!.record.txSet)
        const entries = new Map(store.entries())
        for (const [k, e] of entries) expect(l.state.getEntry(k)).toEqual(e)
      } finally {
        cleanup?.()
      }
    })

    it('refuses a ledger that does not follow the last one', async () => {
      const { store, cleanup } = make()
      try {
        const { records } = await fill(store)
        expect(() => store.commitLedger({ ...records[0]!.record }, records[0]!.r.diff)).toThrow(
          /expected ledger/,
        )
        expect(store.lastLedger()!.seq).toBe(records[2]!.record.seq)
      } finally {
        cleanup?.()
      }
    })

    it('keeps payout tables for payslips after the ledger has credited them, for 30 days', async () => {
      const { store, cleanup } = make()
      try {
        const { records } = await fill(store)
        const last = records[2]!
        const table = (day: bigint) => ({
          day,
          count: 1,
          records: new Uint8Array(56).fill(Number(day)),
          root: new Uint8Array(32),
        })
        const record = (seq: bigint) => ({ ...last.record, seq, txHashes: [], results: [] })
        const diff = (seq: bigint, added: ReturnType<typeof table>[], removed: bigint[]) => ({
          seq,
          entries: [],
          payoutTablesAdded: added,
          payoutTablesRemoved: removed,
        })
        store.commitLedger(record(last.record.seq + 1n), diff(last.record.seq + 1n, [table(3n)], []))
        store.commitLedger(record(last.record.seq + 2n), diff(last.record.seq + 2n, [], [3n]))
        expect(store.payoutTable(3n)?.records).toEqual(new Uint8Array(56).fill(3))
        store.commitLedger(record(last.record.seq + 3n), diff(last.record.seq + 3n, [table(40n)], []))
        expect(store.payoutTable(3n)).toBeUndefined()
        expect(store.payoutTables().map((t) => t.day)).toEqual([40n])
      } finally {
        cleanup?.()
      }
    })

    it('keeps own SCP envelopes per slot and kind, EXTERNALIZE envelopes per slot and node, and metadata', () => {
      const { store, cleanup } = make()
      try {
        store.saveOwnEnvelope(5n, 'nomination', Uint8Array.of(1))
        store.saveOwnEnvelope(5n, 'ballot', Uint8Array.of(2))
        store.saveOwnEnvelope(5n, 'ballot', Uint8Array.of(3))
        expect(store.ownEnvelopes(5n)).toEqual([Uint8Array.of(1), Uint8Array.of(3)])
        store.prune(6n)
        expect(store.ownEnvelopes(5n)).toEqual([])
        store.addExternalize(9n, 'VB', Uint8Array.of(9))
        store.addExternalize(9n, 'VA', Uint8Array.of(8))
        store.addExternalize(9n, 'VA', Uint8Array.of(7))
        expect(store.externalizes(9n)).toEqual([Uint8Array.of(7), Uint8Array.of(9)])
        store.setMeta('genesisHash', 'abc')
        expect(store.getMeta('genesisHash')).toBe('abc')
        expect(store.getMeta('nope')).toBeUndefined()
      } finally {
        cleanup?.()
      }
    })
  })
}
