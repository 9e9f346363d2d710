/**
 * SectorStore on the Origin Private File System through `createSyncAccessHandle` — the fast path for
 * sectors in the browser (docs/proofs.md §Storage in the browser). Sync access handles exist only in
 * dedicated workers, so this store is created inside workers/proofs.worker.ts (it lives here with the
 * app's other stores; nothing on the page imports it).
 *
 * - Store names map to nested directories under one root directory (`watt-sectors` by default).
 * - One handle per file, shared by every open() of it (reference-counted) and opened in the
 *   'readwrite-unsafe' mode where supported, so a status check can read a sector while a seal writes
 *   it; the engine itself never writes one file from two jobs.
 * - flush() is the handle's flush(): the bytes are on disk when it returns.
 * Passes test/unit/proofs/store-compliance.ts (run in Chromium by test/e2e/proofs.test.ts).
 */
import { SectorFileNotFoundError } from '../../core/proofs/errors.js'
import { checkFileName, type SectorFile, type SectorStore } from '../../core/proofs/store.js'

interface SyncHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number
  write(buffer: Uint8Array, options?: { at?: number }): number
  truncate(size: number): void
  getSize(): number
  flush(): void
  close(): void
}

type FileHandleWithSync = FileSystemFileHandle & {
  createSyncAccessHandle(options?: {
    mode?: 'readwrite' | 'read-only' | 'readwrite-unsafe'
  }): Promise<SyncHandle>
}

/** True in a context where this store works (a dedicated worker of a browser with OPFS). */
export function opfsAvailable(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createSyncAccessHandle' in FileSystemFileHandle.prototype
  )
}

const isNotFound = (err: unknown) => {
  const n = (err as Error)?.name
  return n === 'NotFoundError' || n === 'TypeMismatchError'
}

export async function opfsSectorStore(rootName = 'watt-sectors'): Promise<SectorStore> {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true })
  const open = new Map<string, { handle: SyncHandle; refs: number }>()

  const dirOf = async (name: string, create: boolean) => {
    const parts = checkFileName(name).split('/')
    let dir = root
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create })
    return { dir, base: parts.at(-1)! }
  }

  const acquire = async (name: string, create: boolean): Promise<SyncHandle> => {
    const cached = open.get(name)
    if (cached) {
      cached.refs++
      return cached.handle
    }
    let fh: FileHandleWithSync
    try {
      const { dir, base } = await dirOf(name, create)
      fh = (await dir.getFileHandle(base, { create })) as FileHandleWithSync
    } catch (err) {
      if (isNotFound(err)) throw new SectorFileNotFoundError(`store: no file ${name}`)
      throw err
    }
    // Another open() may have raced us while we awaited the directory walk.
    const raced = open.get(name)
    if (raced) {
      raced.refs++
      return raced.handle
    }
    let handle: SyncHandle
    try {
      handle = await fh.createSyncAccessHandle({ mode: 'readwrite-unsafe' })
    } catch {
      handle = await fh.createSyncAccessHandle()
    }
    const again = open.get(name)
    if (again) {
      handle.close()
      again.refs++
      return again.handle
    }
    open.set(name, { handle, refs: 1 })
    return handle
  }

  const release = (name: string) => {
    const e = open.get(name)
    if (!e) return
    if (--e.refs === 0) {
      e.handle.flush()
      e.handle.close()
      open.delete(name)
    }
  }

  return {
    kind: 'opfs',
    async open(name, options) {
      const handle = await acquire(name, options?.create === true)
      let closed = false
      const live = () => {
        if (closed) throw new Error(`store: ${name} is closed`)
        return handle
      }
      const file: SectorFile = {
        name,
        async size() {
          return live().getSize()
        },
        async read(offset, into) {
          const h = live()
          const size = h.getSize()
          if (offset >= size) return 0
          let done = 0
          const want = Math.min(into.length, size - offset)
          while (done < want) {
            const n = h.read(into.subarray(done, want), { at: offset + done })
            if (n <= 0) break
            done += n
          }
          return done
        },
        async write(offset, bytes) {
          const h = live()
          const size = h.getSize()
          // Writing past the end leaves a gap that OPFS fills with zeros (the file is extended).
          if (offset > size) h.truncate(offset)
          let done = 0
          while (done < bytes.length) done += h.write(bytes.subarray(done), { at: offset + done })
        },
        async truncate(size) {
          live().truncate(size)
        },
        async flush() {
          live().flush()
        },
        async close() {
          if (closed) return
          closed = true
          release(name)
        },
      }
      return file
    },
    async exists(name) {
      try {
        const { dir, base } = await dirOf(name, false)
        await dir.getFileHandle(base)
        return true
      } catch (err) {
        if (isNotFound(err)) return false
        throw err
      }
    },
    async delete(name) {
      const e = open.get(name)
      if (e) {
        e.handle.close()
        open.delete(name)
      }
      try {
        const { dir, base } = await dirOf(name, false)
        await dir.removeEntry(base)
      } catch (err) {
        if (!isNotFound(err)) throw err
      }
    },
    async list(prefix) {
      const out: string[] = []
      const walk = async (dir: FileSystemDirectoryHandle, path: string) => {
        for await (const [entryName, entry] of (
          dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
        ).entries()) {
          const full = path ? `${path}/${entryName}` : entryName
          if (entry.kind === 'directory') await walk(entry as FileSystemDirectoryHandle, full)
          else if (full.startsWith(prefix)) out.push(full)
        }
      }
      await walk(root, '')
      return out.sort()
    },
  }
}

/** Remove a whole OPFS store (tests, or a user wiping their pledge). */
export async function removeOpfsStore(rootName: string): Promise<void> {
  await (await navigator.storage.getDirectory())
    .removeEntry(rootName, { recursive: true })
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw err
    })
}
