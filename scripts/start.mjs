#!/usr/bin/env node
// `npm start`: build the PWA, then run a local devnet (4 validators, 1-second ledgers, 5-minute
// mining days) whose first validator serves the app. Prints the URL to open. Ctrl-C stops it; the
// network's data stays in .watt/devnet (delete it, or pass --fresh, to start over).
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)
const args = [
  'relay/bin/watt-relay.js',
  'devnet',
  '--validators',
  '4',
  '--app',
  'dist',
  '--dir',
  '.watt/devnet',
  ...process.argv.slice(2),
]
const devnet = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => devnet.kill(sig))
devnet.on('exit', (code) => process.exit(code ?? 0))
