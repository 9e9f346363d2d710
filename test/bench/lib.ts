/**
 * A small benchmark harness. Each `*.bench.ts` default-exports `(b: Bench) => Promise<void>` and
 * reports sections of Markdown. Figures that have a goal are reported as a ratio against a limit
 * measured in the same run (e.g. ledger apply rate / raw native verify rate), never as timed asserts.
 *
 *   npm run bench                 # run all, print Markdown
 *   npm run bench -- crypto scp   # only files whose name contains one of the words
 *   npm run bench -- --write      # also replace the matching sections in BENCHMARKS.md
 */

export interface Section {
  id: string
  title: string
  lines: string[]
}

export interface Bench {
  /** Start a section; `id` names the `<!-- bench:id -->` block in BENCHMARKS.md. */
  section(id: string, title: string): void
  /** A paragraph of text in the current section. */
  note(text: string): void
  /** A Markdown table in the current section. */
  table(rows: Record<string, string | number>[]): void
}

/** Run `fn` repeatedly for at least `minMs` and return calls per second (after a warm-up). */
export function rate(fn: () => void, minMs = 700): number {
  for (let i = 0; i < 20; i++) fn()
  let n = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < minMs) {
    for (let i = 0; i < 16; i++) fn()
    n += 16
    elapsed = performance.now() - start
  }
  return (n * 1000) / elapsed
}

/** Async version of `rate`, with `concurrency` calls in flight. */
export async function rateAsync(fn: () => Promise<unknown>, minMs = 700, concurrency = 1): Promise<number> {
  for (let i = 0; i < 20; i++) await fn()
  let n = 0
  const start = performance.now()
  const worker = async () => {
    while (performance.now() - start < minMs) {
      await fn()
      n++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (n * 1000) / (performance.now() - start)
}

/** Time one call of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

/** Median and chosen percentiles of samples. */
export function percentiles(samples: number[], ps = [50, 90, 99]): Record<string, number> {
  const s = [...samples].sort((a, b) => a - b)
  const out: Record<string, number> = {}
  for (const p of ps) out[`p${p}`] = s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
  return out
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(n)
