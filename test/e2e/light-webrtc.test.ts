/**
 * Two browsers talk directly over WebRTC, signalled through a relay's circuit relay v2 server, and keep
 * talking after the relay is killed. Chromium only offers loopback ICE candidates inside a loopback-only
 * network namespace with two flags (../shared/notes/platform-spike.md §Goal 3), so the test runs its
 * driver (helpers/webrtc-driver.ts) under `unshare -n`; it is skipped, saying so, where unshare is not
 * permitted (CI runs as root, where it is).
 */
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { chromiumAvailable } from './harness/chromium.js'
import { buildAndServe, type Site } from './harness/serve.js'

function unsharePermitted(): boolean {
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' })
  return r.status === 0
}

const DRIVER = fileURLToPath(new URL('./helpers/webrtc-driver.ts', import.meta.url))

interface DriverResult {
  error?: string
  target?: string
  first?: {
    reply: string
    limited: boolean
    remoteAddr: string
    connectMs: number
    multiplexer: string | null
  }
  afterRelayKilled?: { reply: string | null; connections: string[] }
  errors?: string[]
}

function runDriver(outDir: string): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'unshare',
      [
        '-n',
        'sh',
        '-c',
        `ip link set lo up && exec "${process.execPath}" --import tsx "${DRIVER}" "${outDir}"`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (!line) reject(new Error(`driver exited (${code}) without a result:\n${out}\n${err.slice(-4000)}`))
      else resolve(JSON.parse(line.slice(7)))
    })
  })
}

describe.skipIf(!chromiumAvailable())('WebRTC between two browsers through a relay', () => {
  let site: Site | undefined
  afterAll(async () => {
    await site?.close()
  })

  it('connects directly, echoes over a stream, and keeps the connection after the relay is killed', async (ctx) => {
    if (!unsharePermitted()) {
      console.warn(
        'skipped: `unshare -n` is not permitted here (needs root or user namespaces); WebRTC over loopback needs a network namespace',
      )
      ctx.skip()
      return
    }
    site = await buildAndServe(new URL('./light-page/', import.meta.url))
    const r = await runDriver(site.outDir)
    expect(r.error).toBeUndefined()
    expect(r.target).toMatch(/\/p2p-circuit\/webrtc\/p2p\//)
    expect(r.first).toMatchObject({ reply: 'echo:hello over webrtc', limited: false })
    expect(r.first?.remoteAddr).toMatch(/\/webrtc/)
    expect(r.afterRelayKilled?.reply).toBe('echo:still here without the relay')
    // The only connection left is the direct one (named by the path it was signalled over).
    expect(r.afterRelayKilled?.connections).toEqual([r.target])
    expect(r.first?.multiplexer).toBe('/webrtc')
    // Errors before the relay was killed (after it, the pages' failed redials are expected noise).
    expect(r.errors).toEqual([])
  }, 120_000)
})
