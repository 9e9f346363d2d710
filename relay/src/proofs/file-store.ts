/**
 * A SectorStore over files on disk (the relay's sectors): one file per store name under `root`, `/`
 * in names becoming directories. Reads and writes are positional (pread/pwrite through
 * fs.promises FileHandle); flush is fsync. Passes test/unit/proofs/store-compliance.ts.
 */
import { constants } from 'node:fs'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { SectorFileNotFoundError } from '../../../src/core/proofs/errors.js'
import { checkFileName, type SectorFile, type SectorStore } from '../../../src/core/proofs/store.js'

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT'

export function fileStore(root: string): SectorStore {
  const pathOf = (name: string) => join(root, ...checkFileName(name).split('/'))
  return {
    kind: 'node-fs',
    async open(name, options) {
      const path = pathOf(name)
      if (options?.create) await mkdir(dirname(path), { recursive: true })
      let fh: Awaited<ReturnType<typeof open>>
      try {
        // Read-write, created when asked, never truncated, positional writes (no O_APPEND).
        fh = await open(path, options?.create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR)
      } catch (err) {
        if (isMissing(err)) throw new SectorFileNotFoundError(`store: no file ${name}`)
        throw err
      }
      const handle = fh
      const file: SectorFile = {
        name,
        async size() {
          return (await handle.stat()).size
        },
        async read(offset, into) {
          let done = 0
          while (done < into.length) {
            const { bytesRead } = await handle.read(into, done, into.length - done, offset + done)
            if (bytesRead === 0) break
            done += bytesRead
          }
          return done
        },
        async write(offset, bytes) {
          let done = 0
          while (done < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, offset + done)
            done += bytesWritten
          }
        },
        async truncate(size) {
          await handle.truncate(size)
        },
        async flush() {
          await handle.sync()
        },
        async close() {
          await handle.close()
        },
      }
      return file
    },
    async exists(name) {
      try {
        return (await stat(pathOf(name))).isFile()
      } catch (err) {
        if (isMissing(err)) return false
        throw err
      }
    },
    async delete(name) {
      await rm(pathOf(name), { force: true })
    },
    async list(prefix) {
      const out: string[] = []
      const walk = async (dir: string) => {
        let entries: import('node:fs').Dirent[]
        try {
          entries = await readdir(dir, { withFileTypes: true })
        } catch (err) {
          if (isMissing(err)) return
          throw err
        }
        for (const e of entries) {
          const p = join(dir, e.name)
          if (e.isDirectory()) await walk(p)
          else if (e.isFile()) {
            const name = relative(root, p).split(sep).join('/')
            if (name.startsWith(prefix)) out.push(name)
          }
        }
      }
      await walk(root)
      return out.sort()
    },
  }
}
