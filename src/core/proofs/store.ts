/**
 * Sector storage: the engine reads and writes sectors through this interface so a sector can live in
 * memory (tests), OPFS or IndexedDB (browsers, src/app/store/) or files on disk (relay/src/proofs/).
 * It is a tiny random-access file system: flat names with `/` separators, byte offsets, explicit flush.
 * Every implementation passes one compliance suite (test/unit/proofs/store-compliance.ts).
 *
 * Layout of one sector under `sectors/<id>/` (docs/proofs.md §Storage):
 *   data            the unsealed sector (input of sealing; kept until the seal proof is accepted)
 *   parents         the graph's parent cache (temporary)
 *   layer-1..L      the labels of each layer (temporary: needed for the seal proof's columns)
 *   tree-d/c/r      upper levels of TreeD, TreeC, TreeR (TreeR is kept for PoSt)
 *   replica         the sealed replica (kept)
 *   state.0/1       seal checkpoints (two slots, so a torn write never loses the last good one)
 *   meta            the sealed sector's commitments (kept)
 */
import { CorruptSectorError, InvalidFileNameError, SectorFileNotFoundError } from './errors.js'

export interface SectorFile {
  readonly name: string
  size(): Promise<number>
  /** Read up to `into.length` bytes at `offset`; returns how many were read (fewer only at the end). */
  read(offset: number, into: Uint8Array): Promise<number>
  /** Write at `offset`, growing the file (with zeros in any gap) as needed. */
  write(offset: number, bytes: Uint8Array): Promise<void>
  truncate(size: number): Promise<void>
  /** Make every completed write durable before returning. */
  flush(): Promise<void>
  close(): Promise<void>
}

export interface SectorStore {
  /** Implementation name: 'memory', 'opfs', 'indexeddb', 'node-fs'. */
  readonly kind: string
  /** Open a file; throws `SectorFileNotFoundError` if it is missing and `create` is not set. */
  open(name: string, options?: { create?: boolean }): Promise<SectorFile>
  exists(name: string): Promise<boolean>
  /** Remove a file; removing a missing file is not an error. */
  delete(name: string): Promise<void>
  /** Names that start with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>
}

const NAME = /^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/

/** Throws `InvalidFileNameError` unless `name` is a valid store file name. */
export function checkFileName(name: string): string {
  if (name.length > 200 || !NAME.test(name) || name.split('/').some((p) => p === '.' || p === '..'))
    throw new InvalidFileNameError(`store: invalid file name ${JSON.stringify(name)}`)
  return name
}

/** The store name of file `file` of sector `sectorId`. */
export function sectorFile(sectorId: string, file: string): string {
  return checkFileName(`sectors/${sectorId}/${file}`)
}

/** Read exactly `into.length` bytes at `offset`; a file that ends early is a `CorruptSectorError`. */
export async function readExact(f: SectorFile, offset: number, into: Uint8Array): Promise<Uint8Array> {
  let done = 0
  while (done < into.length) {
    const n = await f.read(offset + done, into.subarray(done))
    if (n <= 0)
      throw new CorruptSectorError(
        `store: ${f.name} ends before ${offset + into.length} (read ${offset + done})`,
      )
    done += n
  }
  return into
}

/** Open, read whole, close. Throws `SectorFileNotFoundError` when missing. */
export async function readWholeFile(store: SectorStore, name: string): Promise<Uint8Array> {
  const f = await store.open(name)
  try {
    const out = new Uint8Array(await f.size())
    return await readExact(f, 0, out)
  } finally {
    await f.close()
  }
}

/** Replace a file's content and flush it. */
export async function writeWholeFile(store: SectorStore, name: string, bytes: Uint8Array): Promise<void> {
  const f = await store.open(name, { create: true })
  try {
    await f.truncate(0)
    await f.write(0, bytes)
    await f.flush()
  } finally {
    await f.close()
  }
}

/** A store in memory: the reference implementation, for tests and for short-lived work. */
export function memoryStore(): SectorStore {
  const files = new Map<string, { data: Uint8Array; size: number }>()
  const ensure = (entry: { data: Uint8Array; size: number }, size: number) => {
    if (size <= entry.data.length) return
    const grown = new Uint8Array(Math.max(size, entry.data.length * 2, 64))
    grown.set(entry.data.subarray(0, entry.size))
    entry.data = grown
  }
  return {
    kind: 'memory',
    async open(name, options) {
      checkFileName(name)
      let entry = files.get(name)
      if (!entry) {
        if (!options?.create) throw new SectorFileNotFoundError(`store: no file ${name}`)
        entry = { data: new Uint8Array(0), size: 0 }
        files.set(name, entry)
      }
      const e = entry
      let closed = false
      const live = () => {
        if (closed) throw new Error(`store: ${name} is closed`)
        // A deleted file reads as empty, like an unlinked inode.
        return files.get(name) === e
      }
      return {
        name,
        async size() {
          live()
          return e.size
        },
        async read(offset, into) {
          live()
          if (offset >= e.size) return 0
          const n = Math.min(into.length, e.size - offset)
          into.set(e.data.subarray(offset, offset + n))
          return n
        },
        async write(offset, bytes) {
          live()
          ensure(e, offset + bytes.length)
          if (offset > e.size) e.data.fill(0, e.size, offset)
          e.data.set(bytes, offset)
          e.size = Math.max(e.size, offset + bytes.length)
        },
        async truncate(size) {
          live()
          if (size > e.size) {
            ensure(e, size)
            e.data.fill(0, e.size, size)
          }
          e.size = size
        },
        async flush() {
          live()
        },
        async close() {
          closed = true
        },
      }
    },
    async exists(name) {
      checkFileName(name)
      return files.has(name)
    },
    async delete(name) {
      checkFileName(name)
      files.delete(name)
    },
    async list(prefix) {
      return [...files.keys()].filter((n) => n.startsWith(prefix)).sort()
    },
  }
}
