import { describe, it } from 'vitest'
import { memoryStore } from '../../../src/core/proofs/index.js'
import { storeComplianceChecks } from './store-compliance.js'

describe('SectorStore compliance: memory', () => {
  for (const check of storeComplianceChecks)
    it(check.name, () => check.run({ create: async () => memoryStore() }))
})
