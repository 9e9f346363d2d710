/**
 * Reusable Chromium launcher for the browser suites (../shared/notes/platform-spike.md): Debian's
 * /usr/bin/chromium driven by playwright-core, headless, with a fresh user-data-dir per session
 * (never a downloaded browser). Extras: granting permissions through CDP (durableStorage makes
 * navigator.storage.persist() succeed in headless Chromium), forwarding page/worker console errors,
 * and the renderer processes' peak memory from /proc (for benchmarks).
 *
 *   const s = await launchChromium()
 *   await s.page.goto(url)
 *   await s.grant(url, ['durableStorage'])
 *   await s.close()
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.WATT_CHROMIUM ?? '/usr/bin/chromium'

/** Flags every suite uses (platform-spike.md §Goal 3). */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const

/** Extra flags for WebRTC over loopback (run inside a loopback-only network namespace). */
export const WEBRTC_ARGS = ['--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream'] as const

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

export interface LaunchOptions {
  /** Flags added to BASE_ARGS. */
  args?: readonly string[]
  /** Reuse a profile directory (default: a fresh temporary one, removed on close). */
  userDataDir?: string
  /** Forward console errors and page errors to the test output (default true). */
  forwardErrors?: boolean
  /** Launch timeout in ms (default 60 s: the first start on a cold machine is slow). */
  timeout?: number
}

export interface ChromiumSession {
  readonly context: BrowserContext
  /** The first page of the context. */
  readonly page: Page
  readonly userDataDir: string
  /** Grant permissions to an origin through CDP Browser.grantPermissions (e.g. ['durableStorage']). */
  grant(origin: string, permissions: readonly string[]): Promise<void>
  /** Peak resident memory (VmHWM, bytes) of each renderer process of this browser, by pid. */
  rendererPeakMemory(): Record<number, number>
  /**
   * CPU seconds (user + system) used so far by this browser's renderer processes: on a shared machine
   * a benchmark can compare CPU time, which other tenants inflate far less than wall time.
   */
  rendererCpuSeconds(): number
  /** Messages forwarded so far (console errors, page errors, worker errors). */
  readonly errors: string[]
  close(): Promise<void>
}

export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumSession> {
  if (!chromiumAvailable())
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`)
  const fresh = options.userDataDir === undefined
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'watt-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...BASE_ARGS, ...(options.args ?? [])],
    timeout: options.timeout ?? 60_000,
  })
  const errors: string[] = []
  const watch = (page: Page) => {
    if (options.forwardErrors === false) return
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    page.on('worker', (w) =>
      w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)),
    )
  }
  context.on('page', watch)
  const page = context.pages()[0] ?? (await context.newPage())
  watch(page)
  let cdp: CDPSession | undefined
  return {
    context,
    page,
    userDataDir,
    errors,
    async grant(origin, permissions) {
      // Chromium drops permission overrides when the DevTools session that set them detaches, so the
      // session stays open until close().
      cdp ??= await context.newCDPSession(page)
      await cdp.send('Browser.grantPermissions', {
        origin: new URL(origin).origin,
        permissions: [...permissions],
      } as never)
    },
    rendererPeakMemory() {
      const out: Record<number, number> = {}
      for (const pid of rendererPids(userDataDir)) {
        const m = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, 'status'))
        if (m) out[pid] = Number(m[1]) * 1024
      }
      return out
    },
    rendererCpuSeconds() {
      let ticks = 0
      for (const pid of rendererPids(userDataDir)) {
        const stat = readProc(pid, 'stat')
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted from the state field (3).
        ticks += Number(f[11]) + Number(f[12])
      }
      return ticks / CLOCK_TICKS
    },
    async close() {
      await cdp?.detach().catch(() => undefined)
      await context.close()
      if (fresh) rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

const CLOCK_TICKS = 100 // sysconf(_SC_CLK_TCK) on Linux x86-64 and arm64

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return '' // the process ended while we looked
  }
}

/** The renderer processes that descend from the browser using `userDataDir` (Linux /proc). */
function rendererPids(userDataDir: string): number[] {
  const procs = new Map<number, { ppid: number; cmd: string }>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    const cmd = readProc(Number(d), 'cmdline').split('\0').join(' ')
    const stat = readProc(Number(d), 'stat')
    if (!cmd || !stat) continue
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    procs.set(Number(d), { ppid, cmd })
  }
  const roots = [...procs]
    .filter(([, p]) => p.cmd.includes(`--user-data-dir=${userDataDir}`))
    .map(([pid]) => pid)
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; i++) {
      if (roots.includes(p)) return true
      p = procs.get(p)?.ppid ?? 0
    }
    return false
  }
  return [...procs].filter(([pid, p]) => p.cmd.includes('--type=renderer') && inTree(pid)).map(([pid]) => pid)
}
