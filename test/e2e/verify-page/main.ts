/** Test page: Ed25519 backends and the Web Worker verification pool, exercised from the e2e test. */
import { fromHex } from '../../../src/core/codec/bytes.js'
import { nobleEd25519 } from '../../../src/core/crypto/ed25519.js'
import { pickEd25519 } from '../../../src/platform/ed25519.js'
import { hasWebCryptoEd25519, webCryptoEd25519 } from '../../../src/platform/ed25519-webcrypto.js'
import { createWebVerifyPool } from '../../../workers/verify-pool.js'

export interface Case {
  name: string
  publicKey: string
  message: string
  signature: string
}

const page = {
  async backends() {
    return { webcrypto: await hasWebCryptoEd25519(), picked: (await pickEd25519()).name }
  },
  /** Verdicts of each backend on each case. */
  async verdicts(cases: Case[]) {
    const web = webCryptoEd25519()
    const out: Record<string, boolean[]> = { webcrypto: [], noble: [] }
    for (const c of cases) {
      const args = [fromHex(c.publicKey), fromHex(c.message), fromHex(c.signature)] as const
      out.webcrypto!.push(await web.verify(...args))
      out.noble!.push(await nobleEd25519.verify(...args))
    }
    return out
  },
  async pool(cases: Case[], copies: number) {
    const pool = createWebVerifyPool({ threads: 2, minItemsPerWorker: 4 })
    const items = Array.from({ length: copies }, () =>
      cases.map((c) => ({
        publicKey: fromHex(c.publicKey),
        message: fromHex(c.message),
        signature: fromHex(c.signature),
      })),
    ).flat()
    const t = performance.now()
    const verdicts = await pool.verifyBatch(items)
    const ms = performance.now() - t
    const ac = new AbortController()
    const aborted = pool.verifyBatch(items, { signal: ac.signal }).then(
      () => 'resolved',
      (e: Error) => e.name,
    )
    ac.abort()
    const abortOutcome = await aborted
    pool.close()
    return { verdicts, ms, threads: pool.threads, abortOutcome }
  },
}
;(globalThis as unknown as { verifyPage: typeof page }).verifyPage = page
document.getElementById('status')!.textContent = 'ready'
export type VerifyPage = typeof page
