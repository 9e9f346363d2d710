/**
 * The light client's VerifiedStore on IndexedDB (via `idb`): one object store per table, string keys,
 * structured-clone values. Each call is one transaction, committed before it returns. Browser only
 * (and workers); Node tests use `memoryStore()`. Passes test/unit/light/store-compliance.ts in Chromium.
 */
import { type IDBPDatabase, openDB } from 'idb'
import { STORE_TABLES, type StoreTable, type VerifiedStore } from './store.js'

export const LIGHT_DB_NAME = 'watt-light'
const DB_VERSION = 1

export function idbAvailable(): boolean {
  return typeof indexedDB !== 'undefined'
}

/** Open (creating if needed) the light client's database. */
export async function idbStore(name = LIGHT_DB_NAME): Promise<VerifiedStore> {
  const db: IDBPDatabase = await openDB(name, DB_VERSION, {
    upgrade(d) {
      for (const t of STORE_TABLES) if (!d.objectStoreNames.contains(t)) d.createObjectStore(t)
    },
  })
  return {
    async get<T>(t: StoreTable, key: string) {
      return (await db.get(t, key)) as T | undefined
    },
    async put(t, key, value) {
      await db.put(t, value, key)
    },
    async delete(t, key) {
      await db.delete(t, key)
    },
    async list<T>(t: StoreTable) {
      const tx = db.transaction(t, 'readonly')
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()])
      await tx.done
      return keys.map((k, i) => ({ key: String(k), value: values[i] as T }))
    },
    async close() {
      db.close()
    },
  }
}
