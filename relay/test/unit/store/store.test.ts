import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/store/memory.js'
import { SqliteStore } from '../../../src/store/sqlite.js'
import { runStoreCompliance } from './store.compliance.js'

runStoreCompliance('memory', () => ({ store: new MemoryStore() }))
runStoreCompliance('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'watt-store-'))
  const store = new SqliteStore(join(dir, 'ledger.sqlite'))
  return {
    store,
    cleanup: () => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

describe('SQLite store specifics', () => {
  it('refuses a database written by another schema version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'watt-store-'))
    try {
      const s = new SqliteStore(join(dir, 'x.sqlite'))
      ;(s as unknown as { db: { prepare(q: string): { run(...a: unknown[]): void } } }).db
        .prepare("UPDATE meta SET value = '99' WHERE key = 'schema'")
        .run()
      s.close()
      expect(() => new SqliteStore(join(dir, 'x.sqlite'))).toThrow(/schema 99/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
