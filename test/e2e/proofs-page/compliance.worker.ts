/** Test-only worker: runs the SectorStore compliance suite against OPFS (sync handles) or IndexedDB. */
import { idbSectorStore } from '../../../src/app/store/idb-sector-store.js'
import { opfsSectorStore } from '../../../src/app/store/opfs-sector-store.js'
import type { SectorStore } from '../../../src/core/proofs/store.js'
import { runStoreCompliance, type StoreFactory } from '../../unit/proofs/store-compliance.js'

export function factoryFor(kind: 'opfs' | 'indexeddb'): StoreFactory {
  const names = new WeakMap<SectorStore, string>()
  const make = (name: string) => (kind === 'opfs' ? opfsSectorStore(name) : idbSectorStore(name))
  return {
    async create() {
      const name = `compliance-${crypto.randomUUID()}`
      const s = await make(name)
      names.set(s, name)
      return s
    },
    reopen: (s) => make(names.get(s)!),
  }
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<{ kind: 'opfs' | 'indexeddb' }>) => void) | null
  postMessage(m: unknown): void
}
scope.onmessage = async (e) => {
  scope.postMessage(await runStoreCompliance(factoryFor(e.data.kind)))
}
