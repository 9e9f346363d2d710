/**
 * The WebRTC test's driver, run inside a loopback-only network namespace by test/e2e/light-webrtc.test.ts:
 *
 *   unshare -n sh -c 'ip link set lo up && node --import tsx test/e2e/helpers/webrtc-driver.ts <built page dir>'
 *
 * It serves the built light page, starts a relay host in a child process, opens two pages in headless
 * Chromium (with the loopback WebRTC flags, ../shared/notes/platform-spike.md §Goal 3): page A reserves a
 * slot on the relay, page B dials A's /p2p-circuit/webrtc address and echoes a message; the relay is
 * SIGKILLed and B echoes again over the direct connection. Prints `RESULT <json>` on stdout.
 */
import '../../../relay/src/polyfills.js'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { toHex } from '../../../src/core/codec/bytes.js'
import { networkIdOf } from '../../../src/core/codec/signing.js'
import { launchChromium, WEBRTC_ARGS } from '../harness/chromium.js'
import { serveStatic } from '../harness/serve.js'

const outDir = process.argv[2]
if (!outDir) throw new Error('usage: webrtc-driver.ts <built page dir>')
const networkId = toHex(networkIdOf('Watt WebRTC test'))

const call = (page: Page, fn: string, arg: unknown) =>
  page.evaluate(
    ([f, a]) =>
      (globalThis as unknown as { lightPage: Record<string, (x: unknown) => Promise<unknown>> }).lightPage[
        f as string
      ]!(a),
    [fn, arg] as const,
  )

const relayScript = fileURLToPath(new URL('./relay-process.ts', import.meta.url))
const relay = spawn(process.execPath, ['--import', 'tsx', relayScript, networkId], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
const relayAddr = await new Promise<string>((resolve, reject) => {
  const rl = createInterface({ input: relay.stdout! })
  rl.once('line', resolve)
  relay.once('exit', (code) => reject(new Error(`relay exited (${code})`)))
})

const { server, url } = await serveStatic(outDir)
const s = await launchChromium({ args: WEBRTC_ARGS })
const result: Record<string, unknown> = { relayAddr }
try {
  const a = s.page
  const b = await s.context.newPage()
  for (const p of [a, b]) {
    await p.goto(url)
    await p.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
  }
  const target = (await call(a, 'p2pListen', { networkId, relay: relayAddr })) as string
  result.target = target
  result.first = await call(b, 'p2pDial', { networkId, target, message: 'hello over webrtc' })
  result.errors = [...s.errors]
  relay.kill('SIGKILL')
  await new Promise((r) => relay.once('exit', r))
  await new Promise((r) => setTimeout(r, 500))
  result.afterRelayKilled = await call(b, 'p2pEchoAgain', 'still here without the relay')
} catch (err) {
  result.error = (err as Error).stack ?? String(err)
} finally {
  relay.kill('SIGKILL')
  await s.close()
  server.close()
  server.closeAllConnections()
}
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
process.exit(0)
