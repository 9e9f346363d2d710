/**
 * The SectorStore compliance suite: every implementation (memory, Node files, OPFS, IndexedDB) must
 * pass it. It is framework-free (plain async checks that throw) so the same checks run under vitest in
 * Node (test/unit/proofs/memory-store.test.ts, relay/test/unit/proofs/file-store.test.ts) and inside
 * Chromium workers and pages (test/e2e/proofs.test.ts), which report the results back.
 */
import type { SectorStore } from '../../../src/core/proofs/store.js'

export interface StoreFactory {
  /** A fresh, empty store. */
  create(): Promise<SectorStore>
  /** A second instance over the same backing storage (a persistent store after a restart). */
  reopen?(store: SectorStore): Promise<SectorStore>
}

export interface ComplianceCheck {
  readonly name: string
  run(factory: StoreFactory): Promise<void>
}

function fail(msg: string): never {
  throw new Error(msg)
}

function eq(a: Uint8Array, b: Uint8Array, what: string): void {
  if (a.length !== b.length) fail(`${what}: length ${a.length} ≠ ${b.length}`)
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) fail(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`)
}

function same<T>(a: T, b: T, what: string): void {
  if (a !== b) fail(`${what}: got ${String(a)}, expected ${String(b)}`)
}

async function rejectsWithName(p: Promise<unknown>, name: string, what: string): Promise<void> {
  try {
    await p
  } catch (err) {
    same((err as Error).name, name, what)
    return
  }
  fail(`${what}: expected ${name}, it resolved`)
}

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + (i >>> 8)) & 255
  return out
}

async function readAll(store: SectorStore, name: string): Promise<Uint8Array> {
  const f = await store.open(name)
  try {
    const out = new Uint8Array(await f.size())
    let done = 0
    while (done < out.length) {
      const n = await f.read(done, out.subarray(done))
      if (n <= 0) fail(`${name}: short read at ${done}`)
      done += n
    }
    return out
  } finally {
    await f.close()
  }
}

export const storeComplianceChecks: readonly ComplianceCheck[] = [
  {
    name: 'opening a missing file without create fails with SectorFileNotFoundError',
    async run(f) {
      const s = await f.create()
      same(await s.exists('t/missing'), false, 'exists')
      await rejectsWithName(s.open('t/missing'), 'SectorFileNotFoundError', 'open')
    },
  },
  {
    name: 'invalid file names fail with InvalidFileNameError',
    async run(f) {
      const s = await f.create()
      for (const bad of ['', '/a', 'a//b', '../x', 'a/../b', 'A', 'a b', 'a/', 'x'.repeat(201)])
        await rejectsWithName(
          s.open(bad, { create: true }),
          'InvalidFileNameError',
          `open ${JSON.stringify(bad)}`,
        )
    },
  },
  {
    name: 'a created file is empty; written bytes read back; size follows writes',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/a', { create: true })
      same(await file.size(), 0, 'new size')
      const data = pattern(1000, 1)
      await file.write(0, data)
      same(await file.size(), 1000, 'size')
      const back = new Uint8Array(1000)
      same(await file.read(0, back), 1000, 'read count')
      eq(back, data, 'read back')
      await file.close()
      same(await s.exists('t/a'), true, 'exists')
    },
  },
  {
    name: 'writing past the end fills the gap with zeros',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/sparse', { create: true })
      await file.write(5000, pattern(10, 2))
      same(await file.size(), 5010, 'size')
      const back = new Uint8Array(5010)
      same(await file.read(0, back), 5010, 'read count')
      eq(back.subarray(0, 5000), new Uint8Array(5000), 'gap')
      eq(back.subarray(5000), pattern(10, 2), 'tail')
      await file.close()
    },
  },
  {
    name: 'overwriting a range keeps the bytes around it',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/over', { create: true })
      const base = pattern(300_000, 3)
      await file.write(0, base)
      const patch = pattern(70_000, 4)
      await file.write(100_001, patch)
      const want = base.slice()
      want.set(patch, 100_001)
      const back = new Uint8Array(300_000)
      same(await file.read(0, back), 300_000, 'read count')
      eq(back, want, 'content')
      await file.close()
    },
  },
  {
    name: 'reads at or past the end return 0, reads across it return the bytes available',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/eof', { create: true })
      await file.write(0, pattern(100, 5))
      same(await file.read(100, new Uint8Array(10)), 0, 'at end')
      same(await file.read(500, new Uint8Array(10)), 0, 'past end')
      const buf = new Uint8Array(50)
      same(await file.read(80, buf), 20, 'across end')
      eq(buf.subarray(0, 20), pattern(100, 5).subarray(80), 'partial')
      await file.close()
    },
  },
  {
    name: 'truncate shrinks and grows (with zeros)',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/trunc', { create: true })
      await file.write(0, pattern(200_000, 6))
      await file.truncate(70_000)
      same(await file.size(), 70_000, 'shrunk')
      await file.truncate(90_000)
      same(await file.size(), 90_000, 'grown')
      const back = new Uint8Array(90_000)
      same(await file.read(0, back), 90_000, 'read count')
      eq(back.subarray(0, 70_000), pattern(200_000, 6).subarray(0, 70_000), 'kept')
      eq(back.subarray(70_000), new Uint8Array(20_000), 'zeros')
      await file.truncate(0)
      same(await file.size(), 0, 'empty')
      await file.close()
    },
  },
  {
    name: 'multi-MiB writes and unaligned reads round-trip',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/big', { create: true })
      const big = pattern(3 * 1024 * 1024 + 7, 7)
      for (let o = 0; o < big.length; o += 1_000_003) await file.write(o, big.subarray(o, o + 1_000_003))
      same(await file.size(), big.length, 'size')
      for (const [o, n] of [
        [0, 65536],
        [65535, 2],
        [1_048_575, 131_073],
        [big.length - 9, 9],
        [12_345, 2_000_000],
      ] as const) {
        const buf = new Uint8Array(n)
        same(await file.read(o, buf), n, `read ${o}+${n}`)
        eq(buf, big.subarray(o, o + n), `slice ${o}+${n}`)
      }
      await file.flush()
      await file.close()
    },
  },
  {
    name: 'files are independent; list returns names by prefix, sorted',
    async run(f) {
      const s = await f.create()
      for (const [name, seed] of [
        ['sectors/b/x', 1],
        ['sectors/a/y', 2],
        ['sectors/a/x', 3],
        ['other/z', 4],
      ] as const) {
        const file = await s.open(name, { create: true })
        await file.write(0, pattern(64, seed))
        await file.close()
      }
      const a = await s.list('sectors/a/')
      same(JSON.stringify(a), JSON.stringify(['sectors/a/x', 'sectors/a/y']), 'list a')
      same(
        JSON.stringify(await s.list('sectors/')),
        JSON.stringify(['sectors/a/x', 'sectors/a/y', 'sectors/b/x']),
        'list',
      )
      eq(await readAll(s, 'sectors/a/y'), pattern(64, 2), 'a/y')
      eq(await readAll(s, 'other/z'), pattern(64, 4), 'z')
    },
  },
  {
    name: 'delete removes a file, deleting a missing file is fine, re-creating starts empty',
    async run(f) {
      const s = await f.create()
      const file = await s.open('t/del', { create: true })
      await file.write(0, pattern(1000, 8))
      await file.close()
      await s.delete('t/del')
      same(await s.exists('t/del'), false, 'exists after delete')
      same((await s.list('t/')).length, 0, 'list after delete')
      await s.delete('t/del')
      await s.delete('t/never')
      const again = await s.open('t/del', { create: true })
      same(await again.size(), 0, 'recreated size')
      await again.close()
    },
  },
  {
    name: 'a file opened twice at once shares its content',
    async run(f) {
      const s = await f.create()
      const one = await s.open('t/twice', { create: true })
      const two = await s.open('t/twice')
      await one.write(0, pattern(5000, 9))
      same(await two.size(), 5000, 'size via second handle')
      const buf = new Uint8Array(5000)
      same(await two.read(0, buf), 5000, 'read count')
      eq(buf, pattern(5000, 9), 'content via second handle')
      await one.close()
      // The second handle stays usable after the first is closed.
      await two.write(5000, pattern(10, 10))
      same(await two.size(), 5010, 'size after second write')
      await two.close()
    },
  },
  {
    name: 'flushed content survives closing and reopening the store',
    async run(f) {
      const s = await f.create()
      const file = await s.open('sectors/p/data', { create: true })
      const data = pattern(200_000, 11)
      await file.write(0, data)
      await file.flush()
      await file.close()
      const s2 = f.reopen ? await f.reopen(s) : s
      same(await s2.exists('sectors/p/data'), true, 'exists after reopen')
      eq(await readAll(s2, 'sectors/p/data'), data, 'content after reopen')
    },
  },
]

/** Run every check; for environments without a test runner (the Chromium page and workers). */
export async function runStoreCompliance(
  factory: StoreFactory,
): Promise<{ name: string; ok: boolean; error?: string }[]> {
  const out: { name: string; ok: boolean; error?: string }[] = []
  for (const c of storeComplianceChecks) {
    try {
      await c.run(factory)
      out.push({ name: c.name, ok: true })
    } catch (err) {
      out.push({ name: c.name, ok: false, error: `${(err as Error).name}: ${(err as Error).message}` })
    }
  }
  return out
}
