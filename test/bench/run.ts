/** Benchmark runner: see lib.ts for usage. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import '../../relay/src/polyfills.js'
import type { Bench, Section } from './lib.js'

const dir = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const write = args.includes('--write')
const words = args.filter((a) => !a.startsWith('--'))
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
  .sort()

const sections: Section[] = []
let current: Section | undefined
const bench: Bench = {
  section(id, title) {
    current = { id, title, lines: [] }
    sections.push(current)
    console.log(`\n## ${title}\n`)
  },
  note(text) {
    current?.lines.push(text, '')
    console.log(`${text}\n`)
  },
  table(rows) {
    if (rows.length === 0) return
    const cols = Object.keys(rows[0]!)
    const lines = [
      `| ${cols.join(' | ')} |`,
      `| ${cols.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${cols.map((c) => String(r[c] ?? '')).join(' | ')} |`),
    ]
    current?.lines.push(...lines, '')
    console.log(`${lines.join('\n')}\n`)
  },
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
console.log(`# Watt benchmarks (${machine}, ${new Date().toISOString().slice(0, 10)})`)
for (const f of files) {
  const mod = (await import(pathToFileURL(`${dir}/${f}`).href)) as { default: (b: Bench) => Promise<void> }
  await mod.default(bench)
}

if (write) {
  const path = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
  let doc = readFileSync(path, 'utf8')
  for (const s of sections) {
    const body = `<!-- bench:${s.id} -->\n_Measured ${new Date().toISOString().slice(0, 10)} on ${machine} (\`npm run bench -- ${s.id}\`)._\n\n${s.lines.join('\n')}<!-- /bench:${s.id} -->`
    const re = new RegExp(`<!-- bench:${s.id} -->[\\s\\S]*?<!-- /bench:${s.id} -->`)
    doc = re.test(doc) ? doc.replace(re, body) : `${doc.trimEnd()}\n\n## ${s.title}\n\n${body}\n`
  }
  writeFileSync(path, doc)
  console.log(`\nupdated ${sections.length} section(s) in BENCHMARKS.md`)
}
process.exit(0)
