/**
 * SectorStore on IndexedDB: the fallback where OPFS sync access handles are missing (older Safari,
 * Firefox private windows) and the store a page can use directly. Works on the page and in workers.
 *
 * A file is a size record plus fixed 256 KiB blocks keyed [name, index]; a missing block reads as
 * zeros (sparse files). Each write is one readwrite transaction over the blocks it touches, committed
 * before it returns, so flush() has nothing left to do (the transaction's 'complete' is durability
 * under IndexedDB's default rules). Slower than OPFS (two object stores, structured clones), fine
 * for sealing: the engine moves 512 KiB chunks. Proving makes thousands of 32-byte and 2 KiB reads,
 * so a store instance keeps the blocks it read or wrote last in memory (16 MiB, least recently used
 * first out); it assumes it is the only writer of its files, which the proofs bridge guarantees
 * (one job per sector at a time). Passes test/unit/proofs/store-compliance.ts.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb'
import { SectorFileNotFoundError } from '../../core/proofs/errors.js'
import { checkFileName, type SectorFile, type SectorStore } from '../../core/proofs/store.js'

export const IDB_BLOCK = 256 * 1024
const CACHE_BLOCKS = 64

interface SectorDB extends DBSchema {
  files: { key: string; value: { name: string; size: number } }
  blocks: { key: [string, number]; value: Uint8Array }
}

export function idbAvailable(): boolean {
  return typeof indexedDB !== 'undefined'
}

export async function idbSectorStore(dbName = 'watt-sectors'): Promise<SectorStore & { close(): void }> {
  const db: IDBPDatabase<SectorDB> = await openDB<SectorDB>(dbName, 1, {
    upgrade(d) {
      d.createObjectStore('files', { keyPath: 'name' })
      d.createObjectStore('blocks')
    },
  })

  const sizes = new Map<string, number>()
  const sizeOf = async (name: string): Promise<number | undefined> => {
    const known = sizes.get(name)
    if (known !== undefined) return known
    const size = (await db.get('files', name))?.size
    if (size !== undefined) sizes.set(name, size)
    return size
  }
  /** Blocks by `${name}\0${index}`; `null` caches a block known to be absent (reads as zeros). */
  const cache = new Map<string, Uint8Array | null>()
  const key = (name: string, index: number) => `${name}\0${index}`
  const remember = (name: string, index: number, block: Uint8Array | null) => {
    const k = key(name, index)
    cache.delete(k)
    cache.set(k, block)
    if (cache.size > CACHE_BLOCKS) cache.delete(cache.keys().next().value!)
  }
  const forget = (name: string) => {
    sizes.delete(name)
    for (const k of [...cache.keys()]) if (k.startsWith(`${name}\0`)) cache.delete(k)
  }

  return {
    kind: 'indexeddb',
    close: () => db.close(),
    async open(name, options) {
      checkFileName(name)
      if ((await sizeOf(name)) === undefined) {
        if (!options?.create) throw new SectorFileNotFoundError(`store: no file ${name}`)
        const tx = db.transaction('files', 'readwrite')
        if ((await tx.store.get(name)) === undefined) await tx.store.put({ name, size: 0 })
        await tx.done
      }
      let closed = false
      const live = () => {
        if (closed) throw new Error(`store: ${name} is closed`)
      }
      const file: SectorFile = {
        name,
        async size() {
          live()
          return (await sizeOf(name)) ?? 0
        },
        async read(offset, into) {
          live()
          const size = (await sizeOf(name)) ?? 0
          if (offset >= size) return 0
          const n = Math.min(into.length, size - offset)
          const first = Math.floor(offset / IDB_BLOCK)
          const last = Math.floor((offset + n - 1) / IDB_BLOCK)
          const got = new Map<number, Uint8Array | null>()
          const missing: number[] = []
          for (let i = first; i <= last; i++) {
            const k = key(name, i)
            if (cache.has(k)) got.set(i, cache.get(k)!)
            else missing.push(i)
          }
          if (missing.length > 0) {
            const range = IDBKeyRange.bound([name, missing[0]!], [name, missing.at(-1)!])
            const tx = db.transaction('blocks')
            const [blocks, keys] = await Promise.all([tx.store.getAll(range), tx.store.getAllKeys(range)])
            for (const i of missing) got.set(i, null)
            for (let k = 0; k < keys.length; k++) got.set(keys[k]![1], blocks[k]!)
            for (const i of missing) remember(name, i, got.get(i)!)
          }
          into.fill(0, 0, n)
          for (let index = first; index <= last; index++) {
            const block = got.get(index)
            if (!block) continue
            const start = index * IDB_BLOCK
            const from = Math.max(offset, start)
            const to = Math.min(offset + n, start + block.length)
            if (to > from) into.set(block.subarray(from - start, to - start), from - offset)
          }
          return n
        },
        async write(offset, bytes) {
          live()
          if (bytes.length === 0) return
          const tx = db.transaction(['files', 'blocks'], 'readwrite')
          const blocks = tx.objectStore('blocks')
          const first = Math.floor(offset / IDB_BLOCK)
          const last = Math.floor((offset + bytes.length - 1) / IDB_BLOCK)
          for (let index = first; index <= last; index++) {
            const start = index * IDB_BLOCK
            const from = Math.max(offset, start)
            const to = Math.min(offset + bytes.length, start + IDB_BLOCK)
            let block: Uint8Array
            if (from === start && to === start + IDB_BLOCK) block = bytes.slice(from - offset, to - offset)
            else {
              block = new Uint8Array(IDB_BLOCK)
              const k = key(name, index)
              const old = cache.has(k) ? cache.get(k) : await blocks.get([name, index])
              if (old) block.set(old)
              block.set(bytes.subarray(from - offset, to - offset), from - start)
            }
            await blocks.put(block, [name, index])
            remember(name, index, block)
          }
          const files = tx.objectStore('files')
          const rec = (await files.get(name)) ?? { name, size: 0 }
          const size = Math.max(rec.size, offset + bytes.length)
          if (size !== rec.size) await files.put({ name, size })
          await tx.done
          sizes.set(name, size)
        },
        async truncate(size) {
          live()
          const tx = db.transaction(['files', 'blocks'], 'readwrite')
          const blocks = tx.objectStore('blocks')
          const keep = Math.ceil(size / IDB_BLOCK)
          await blocks.delete(IDBKeyRange.bound([name, keep], [name, Number.MAX_SAFE_INTEGER]))
          const tail = size % IDB_BLOCK
          if (tail !== 0) {
            const old = await blocks.get([name, keep - 1])
            if (old) {
              const block = new Uint8Array(IDB_BLOCK)
              block.set(old.subarray(0, tail))
              await blocks.put(block, [name, keep - 1])
            }
          }
          await tx.objectStore('files').put({ name, size })
          await tx.done
          forget(name)
        },
        async flush() {
          live()
        },
        async close() {
          closed = true
        },
      }
      return file
    },
    async exists(name) {
      checkFileName(name)
      return (await sizeOf(name)) !== undefined
    },
    async delete(name) {
      checkFileName(name)
      forget(name)
      const tx = db.transaction(['files', 'blocks'], 'readwrite')
      await tx.objectStore('blocks').delete(IDBKeyRange.bound([name, 0], [name, Number.MAX_SAFE_INTEGER]))
      await tx.objectStore('files').delete(name)
      await tx.done
    },
    async list(prefix) {
      return (await db.getAllKeys('files')).filter((n) => n.startsWith(prefix)).sort()
    },
  }
}

/** Delete a whole IndexedDB sector store. */
export async function removeIdbStore(dbName: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const r = indexedDB.deleteDatabase(dbName)
    r.onsuccess = () => resolve()
    r.onerror = () => reject(r.error)
    r.onblocked = () => resolve()
  })
}
