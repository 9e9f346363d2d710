/**
 * The light client in a real Chromium page (test/e2e/light-page, bundled by Vite as it ships) against a
 * devnet of four validator processes: a verified balance over libp2p (WebSockets), the IndexedDB store
 * passing the store compliance suite, the last verified state served from IndexedDB after a reload with
 * every relay down, and the header-verification benchmark hook (21 signatures, WebCrypto Ed25519).
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { type DevnetInfo, prepareDevnet, spawnValidator, waitNode } from '../../relay/src/devnet.js'
import { readSeedFile } from '../../relay/src/keys.js'
import { accountAddress } from '../../src/core/crypto/strkey.js'
import { watt } from '../../src/core/ledger/index.js'
import { type ChromiumSession, chromiumAvailable, launchChromium } from './harness/chromium.js'
import { buildAndServe, type Site } from './harness/serve.js'
import { certifiedHeaderFixture } from './helpers/light-fixtures.js'
import type { LightPage, PageConfig } from './light-page/main.js'

describe.skipIf(!chromiumAvailable())('the light client in Chromium', () => {
  let dir: string
  let info: DevnetInfo
  let procs: ChildProcess[] = []
  let config: PageConfig
  let site: Site
  let s: ChromiumSession
  let faucet: string

  const call = <K extends keyof LightPage>(
    fn: K,
    ...args: Parameters<LightPage[K]>
  ): Promise<Awaited<ReturnType<LightPage[K]>>> =>
    s.page.evaluate(
      ([name, a]) =>
        (globalThis as unknown as { lightPage: Record<string, (...x: unknown[]) => unknown> }).lightPage[
          name as string
        ]!(...(a as unknown[])),
      [fn, args] as const,
    ) as Promise<Awaited<ReturnType<LightPage[K]>>>
  const open = async () => {
    await s.page.goto(site.url)
    await s.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'watt-light-browser-'))
    info = await prepareDevnet({
      validators: 4,
      dir,
      closeTimeMs: 500,
      dayLength: 600,
      fresh: true,
      verbose: false,
      basePort: 0,
      host: '127.0.0.1',
    })
    procs = info.nodes.map((n) => spawnValidator(n, false))
    faucet = accountAddress(nodeEd25519.publicKeySync(readSeedFile(info.faucetKeyFile)))
    const [built] = await Promise.all([
      buildAndServe(new URL('./light-page/', import.meta.url)),
      Promise.all(info.nodes.map((n) => waitNode(n))),
    ])
    site = built
    config = await (await fetch(`${info.nodes[0]!.http}/config.json`)).json()
    s = await launchChromium()
    await open()
  }, 180_000)

  afterAll(async () => {
    await s?.close()
    await site?.close()
    for (const p of procs) p.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('verifies a balance over libp2p: header certified by the PageRank-chosen validators, state proof', async () => {
    await call('start', config)
    const snap = await call('waitLatest', 30_000)
    expect(snap.relays.filter((r) => r.connected).length).toBeGreaterThanOrEqual(2)
    expect(snap.trusted).toMatchObject({ chosenBy: 'pagerank', threshold: 3 })
    expect(snap.trusted.validators).toEqual(info.nodes.map((n) => n.validatorId).sort())
    expect(snap.latest!.signers).toBeGreaterThanOrEqual(3)
    const a = await call('account', faucet)
    expect(a).toMatchObject({ balance: String(watt(1_000_000)), fromCache: false })
    expect(a.signers).toBeGreaterThanOrEqual(3)
    expect((await call('snapshot')).alarms).toEqual([])
    expect(s.errors).toEqual([])
  }, 60_000)

  it('IndexedDB store passes the VerifiedStore compliance suite', async () => {
    const results = await call('storeCompliance')
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(results.length).toBeGreaterThanOrEqual(8)
  })

  it('verifies a certified header with 21 signatures (benchmark hook; goal under 50 ms)', async () => {
    const r = await call('benchHeader', certifiedHeaderFixture(21), 10)
    expect(Object.keys(r).sort()).toEqual(['noble', 'webcrypto'])
    expect(r.webcrypto!.signers).toBe(21)
    // A bound far above the goal, so a loaded CI machine does not fail the suite; the figure is in BENCHMARKS.md.
    expect(r.webcrypto!.median).toBeLessThan(250)
  })

  it('after a reload with every relay down, serves the last verified state from IndexedDB', async () => {
    const before = await call('account', faucet)
    const seq = BigInt((await call('snapshot')).latest!.seq)
    await call('stop')
    for (const p of procs) p.kill('SIGKILL')
    await Promise.all(
      procs.map((p) =>
        p.exitCode !== null || p.signalCode !== null ? undefined : new Promise((r) => p.once('exit', r)),
      ),
    )
    await s.page.reload()
    await s.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
    const snap = await call('start', config)
    expect(snap.online).toBe(false)
    expect(snap.alarms.map((a) => a.kind)).toEqual(['unreachable'])
    expect(BigInt(snap.latest!.seq)).toBeGreaterThanOrEqual(seq)
    expect(snap.closeTimes).toBeGreaterThan(0)
    const a = await call('account', faucet)
    expect(a).toMatchObject({ balance: before.balance, fromCache: true, seq: before.seq })
    await call('stop')
  }, 60_000)
})
