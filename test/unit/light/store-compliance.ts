/**
 * The compliance suite every VerifiedStore passes (memory in Node: store.test.ts; IndexedDB in
 * Chromium: the light test page). No test framework inside, so it also runs in a browser page: it
 * returns one result per check.
 */
import type { VerifiedStore } from '../../../src/app/light/store.js'

export interface ComplianceResult {
  name: string
  ok: boolean
  detail?: string
}

type Check = [string, (s: VerifiedStore) => Promise<void>]

function assert(cond: boolean, what: string): void {
  if (!cond) throw new Error(what)
}

const checks: Check[] = [
  [
    'get of a missing key is undefined',
    async (s) => {
      assert((await s.get('entries', 'nope')) === undefined, 'expected undefined')
    },
  ],
  [
    'put then get returns an equal record with bytes and bigints',
    async (s) => {
      await s.put('entries', 'k', {
        bytes: Uint8Array.of(1, 2, 3),
        n: 12345678901234567890n,
        list: ['a', null],
      })
      const v = await s.get<{ bytes: Uint8Array; n: bigint; list: unknown[] }>('entries', 'k')
      assert(v?.bytes instanceof Uint8Array && v.bytes.join() === '1,2,3', 'bytes round-trip')
      assert(v?.n === 12345678901234567890n, 'bigint round-trip')
      assert(v?.list.length === 2 && v.list[1] === null, 'list round-trip')
    },
  ],
  [
    'put replaces the record under a key',
    async (s) => {
      await s.put('meta', 'x', 1)
      await s.put('meta', 'x', 2)
      assert((await s.get('meta', 'x')) === 2, 'expected the second value')
    },
  ],
  [
    'records are copies: changing what was put or got does not change the store',
    async (s) => {
      const rec = { bytes: Uint8Array.of(9) }
      await s.put('txs', 'c', rec)
      rec.bytes[0] = 1
      const got = await s.get<{ bytes: Uint8Array }>('txs', 'c')
      assert(got?.bytes[0] === 9, 'the store kept a reference to the caller’s object')
      got!.bytes[0] = 2
      assert(
        (await s.get<{ bytes: Uint8Array }>('txs', 'c'))?.bytes[0] === 9,
        'get returned the stored object',
      )
    },
  ],
  [
    'tables are separate',
    async (s) => {
      await s.put('queue', 'same', 'q')
      await s.put('payslips', 'same', 'p')
      assert(
        (await s.get('queue', 'same')) === 'q' && (await s.get('payslips', 'same')) === 'p',
        'tables mixed',
      )
    },
  ],
  [
    'list returns every record of a table in key order',
    async (s) => {
      for (const k of ['00000000000000000010', '00000000000000000002', '00000000000000000100'])
        await s.put('headers', k, { k })
      const rows = await s.list<{ k: string }>('headers')
      assert(
        rows.map((r) => r.key).join() === '00000000000000000002,00000000000000000010,00000000000000000100',
        'order',
      )
      assert(
        rows.every((r) => r.value.k === r.key),
        'values',
      )
    },
  ],
  [
    'delete removes a record; deleting a missing key is fine',
    async (s) => {
      await s.put('queue', 'd', 1)
      await s.delete('queue', 'd')
      await s.delete('queue', 'never')
      assert((await s.get('queue', 'd')) === undefined, 'still there')
    },
  ],
  [
    'list of an empty table is empty',
    async (s) => {
      assert(
        (await s.list('payslips')).every((r) => r.key === 'same'),
        'unexpected rows',
      )
    },
  ],
]

/** Run every check against a fresh store made by `open` (one store per check). */
export async function runVerifiedStoreCompliance(
  open: () => Promise<VerifiedStore>,
): Promise<ComplianceResult[]> {
  const out: ComplianceResult[] = []
  for (const [name, fn] of checks) {
    const s = await open()
    try {
      await fn(s)
      out.push({ name, ok: true })
    } catch (err) {
      out.push({ name, ok: false, detail: (err as Error).message })
    } finally {
      await s.close()
    }
  }
  return out
}
