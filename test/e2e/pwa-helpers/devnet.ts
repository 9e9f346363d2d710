/**
 * A real devnet for the PWA suites: the app built with the project's own vite.config.ts into a fresh
 * directory, served by validator 0 (with /config.json), N validator processes on loopback, and a
 * faucet to fund test wallets. One per test file (they are slow to start on two cores).
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { api, Wallet, waitForTx } from '../../../relay/src/cli/wallet.js'
import { type DevnetInfo, prepareDevnet, spawnValidator, waitNode } from '../../../relay/src/devnet.js'
import { readSeedFile } from '../../../relay/src/keys.js'
import { fromHex } from '../../../src/core/codec/bytes.js'
import { parseAccountAddress } from '../../../src/core/crypto/strkey.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * `vite build` of the app as shipped (service worker included) into `outDir`; `version` names the
 * build (shown in the app; vite.config.ts reads WATT_BUILD).
 */
export async function buildApp(outDir: string, version = 'pwa-test-1'): Promise<void> {
  const cwd = process.cwd()
  const before = process.env.WATT_BUILD
  // vite.config.ts has `root: 'src/app'`, resolved from the working directory.
  process.chdir(ROOT)
  process.env.WATT_BUILD = version
  try {
    await build({
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    })
  } finally {
    process.chdir(cwd)
    if (before === undefined) delete process.env.WATT_BUILD
    else process.env.WATT_BUILD = before
  }
}

export interface PwaDevnet {
  readonly info: DevnetInfo
  readonly dir: string
  readonly appDir: string
  /** The app's origin (validator 0's HTTP port). */
  readonly url: string
  readonly dayLength: number
  /** Pay `amount` WATT from the faucet to `address`; resolves once applied. */
  fund(address: string, amount: string): Promise<void>
  /** GET a relay HTTP API path on validator `i` (default 0). */
  api<T>(path: string, i?: number): Promise<T>
  /** Unix seconds when the current mining day ends, from validator 0's status. */
  dayEndsAt(): Promise<number>
  stopAll(): Promise<void>
  startAll(): Promise<void>
  /** What each validator is doing (process, status, last log lines): printed when a test fails. */
  diagnose(): Promise<string>
  close(): Promise<void>
}

export async function startPwaDevnet(o: {
  validators?: number
  dayLength: number
  closeTimeMs?: number
}): Promise<PwaDevnet> {
  const dir = mkdtempSync(join(tmpdir(), 'watt-pwa-devnet-'))
  const appDir = join(dir, 'app')
  await buildApp(appDir)
  const info = await prepareDevnet({
    validators: o.validators ?? 4,
    dir: join(dir, 'net'),
    closeTimeMs: o.closeTimeMs ?? 500,
    dayLength: o.dayLength,
    appDir,
    fresh: true,
    verbose: !!process.env.WATT_VERBOSE,
    basePort: 0,
    host: '127.0.0.1',
  })
  let procs: ChildProcess[] = []
  const startAll = async () => {
    procs = info.nodes.map((n) => spawnValidator(n, !!process.env.WATT_VERBOSE))
    await Promise.all(info.nodes.map((n) => waitNode(n)))
  }
  const stopAll = async () => {
    await Promise.all(
      procs.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res()
            c.once('exit', () => res())
            c.kill('SIGTERM')
            setTimeout(() => c.kill('SIGKILL'), 3000).unref()
          }),
      ),
    )
  }
  await startAll()
  const url = info.nodes[0]!.http
  const faucet = new Wallet(url, readSeedFile(info.faucetKeyFile))
  return {
    info,
    dir,
    appDir,
    url,
    dayLength: o.dayLength,
    async fund(address, amount) {
      const [whole, frac = ''] = amount.split('.')
      const units = BigInt(whole!) * 10_000_000n + BigInt(frac.padEnd(7, '0'))
      const r = await faucet.submit([
        { type: 'payment', destination: parseAccountAddress(address), amount: units },
      ])
      const done = await waitForTx(url, r.hash, 60_000)
      if (done.result.code !== 'tx_success') throw new Error(`funding failed: ${JSON.stringify(done.result)}`)
    },
    api: (path, i = 0) => api(info.nodes[i]!.http, path),
    async dayEndsAt() {
      const st = await api<{ day: { endsAt: string } }>(url, '/v1/status')
      return Number(st.day.endsAt)
    },
    stopAll,
    startAll,
    async diagnose() {
      const parts = await Promise.all(
        info.nodes.map(async (n, i) => {
          const c = procs[i]
          const proc = !c
            ? 'not started'
            : c.exitCode !== null || c.signalCode !== null
              ? `exited (${c.exitCode ?? c.signalCode})`
              : 'running'
          const status = await api<unknown>(n.http, '/v1/status').then(
            (st) => JSON.stringify(st),
            (err: Error) => `no status: ${err.message}`,
          )
          let tail = ''
          try {
            tail = readFileSync(join(n.dir, 'relay.log'), 'utf8').trimEnd().split('\n').slice(-25).join('\n')
          } catch (err) {
            tail = `(no log: ${(err as Error).message})`
          }
          return `--- validator ${i} ${n.validatorId} (${n.http}): ${proc}\nstatus: ${status}\n${tail}`
        }),
      )
      return parts.join('\n')
    },
    async close() {
      await stopAll()
      if (process.env.WATT_KEEP_DEVNET) process.stderr.write(`devnet kept in ${dir}\n`)
      else rmSync(dir, { recursive: true, force: true })
    },
  }
}

export { fromHex }
