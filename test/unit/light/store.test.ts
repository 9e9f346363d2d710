/** The in-memory VerifiedStore passes the store compliance suite (IndexedDB runs it in Chromium). */
import { expect, it } from 'vitest'
import { memoryStore } from '../../../src/app/light/index.js'
import { runVerifiedStoreCompliance } from './store-compliance.js'

it('memoryStore passes the VerifiedStore compliance suite', async () => {
  const results = await runVerifiedStoreCompliance(async () => memoryStore())
  expect(results.filter((r) => !r.ok)).toEqual([])
  expect(results.length).toBeGreaterThanOrEqual(8)
})
