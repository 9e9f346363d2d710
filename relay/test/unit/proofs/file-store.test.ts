import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/core/codec/index.js'
import { hashBytes, nobleHasher, type SectorStore } from '../../../../src/core/proofs/index.js'
import { type StoreFactory, storeComplianceChecks } from '../../../../test/unit/proofs/store-compliance.js'
import { fileStore } from '../../../src/proofs/file-store.js'
import { nodeSha256Hasher } from '../../../src/proofs/node-hasher.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('SectorStore compliance: Node files', () => {
  const roots = new WeakMap<SectorStore, string>()
  const factory: StoreFactory = {
    async create() {
      const root = mkdtempSync(join(tmpdir(), 'watt-store-'))
      dirs.push(root)
      const store = fileStore(root)
      roots.set(store, root)
      return store
    },
    // A new store over the same directory: what the relay sees after a restart.
    async reopen(store) {
      return fileStore(roots.get(store)!)
    },
  }
  for (const check of storeComplianceChecks) it(check.name, () => check.run(factory))
})

describe('node:crypto SHA-256 hasher', () => {
  it('agrees with @noble/hashes', () => {
    const h = nodeSha256Hasher()
    const ref = nobleHasher('sha256')
    for (const len of [0, 44, 64, 492, 16384]) {
      const msg = new Uint8Array(len).map((_, i) => i * 7)
      expect(toHex(hashBytes(h, msg))).toBe(toHex(hashBytes(ref, msg)))
    }
  })
})
