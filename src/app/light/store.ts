/**
 * Where the light client keeps what it has verified (headers, entries, payslips, transaction results)
 * and what waits to be sent (queued submissions), so the app can show the last verified state offline.
 * Two implementations pass one compliance suite (test/unit/light/store-compliance.ts): memory (Node,
 * tests) and IndexedDB (the browser, idb-store.ts).
 *
 * Values are structured-clonable records (Uint8Array, bigint, strings, numbers, arrays, plain objects).
 * A store never shares objects with its caller: what you put is copied, what you get is yours.
 */

/** The tables; each maps string keys to records, listed in key order. */
export const STORE_TABLES = ['headers', 'entries', 'payslips', 'txs', 'queue', 'meta'] as const
export type StoreTable = (typeof STORE_TABLES)[number]

export interface VerifiedStore {
  get<T>(table: StoreTable, key: string): Promise<T | undefined>
  put(table: StoreTable, key: string, value: unknown): Promise<void>
  delete(table: StoreTable, key: string): Promise<void>
  /** Every record of a table, in ascending key order (string comparison). */
  list<T>(table: StoreTable): Promise<{ key: string; value: T }[]>
  close(): Promise<void>
}

/** A store in memory (tests, Node, or a browser without IndexedDB). */
export function memoryStore(): VerifiedStore {
  const tables = new Map<StoreTable, Map<string, unknown>>(STORE_TABLES.map((t) => [t, new Map()]))
  const table = (t: StoreTable): Map<string, unknown> => {
    const m = tables.get(t)
    if (!m) throw new RangeError(`memoryStore: expected a table of ${STORE_TABLES.join(', ')}, got ${t}`)
    return m
  }
  return {
    async get<T>(t: StoreTable, key: string) {
      const v = table(t).get(key)
      return v === undefined ? undefined : (structuredClone(v) as T)
    },
    async put(t, key, value) {
      table(t).set(key, structuredClone(value))
    },
    async delete(t, key) {
      table(t).delete(key)
    },
    async list<T>(t: StoreTable) {
      return [...table(t)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, v]) => ({ key, value: structuredClone(v) as T }))
    },
    async close() {},
  }
}
