/**
 * Build a test page with Vite (production build: the code is bundled as it ships, workers included)
 * and serve it from 127.0.0.1 with a tiny static server. Reusable by every browser suite:
 *
 *   const site = await buildAndServe(new URL('../my-page/', import.meta.url))
 *   await page.goto(site.url)
 *   await site.close()
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type InlineConfig } from 'vite'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
}

export interface Site {
  /** http://127.0.0.1:<port>/ */
  readonly url: string
  readonly outDir: string
  close(): Promise<void>
}

/** Serve a directory (no caching, no directory listing; unknown paths are 404). */
export async function serveStatic(
  dir: string,
  headers: Record<string, string> = {},
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    let file = join(dir, path)
    if (!file.startsWith(dir)) {
      res.writeHead(403).end()
      return
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html')
      const body = readFileSync(file)
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('serveStatic: no port')
  return { url: `http://127.0.0.1:${addr.port}/`, server }
}

/** Vite-build the page whose index.html is in `root`, into a temporary directory, and serve it. */
export async function buildAndServe(root: URL | string, config: InlineConfig = {}): Promise<Site> {
  const rootDir = typeof root === 'string' ? root : fileURLToPath(root)
  const outDir = mkdtempSync(join(tmpdir(), 'watt-page-'))
  await build({
    configFile: false,
    root: rootDir,
    logLevel: 'warn',
    worker: { format: 'es' },
    ...config,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
      ...config.build,
    },
  })
  const { url, server } = await serveStatic(outDir)
  return {
    url,
    outDir,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      rmSync(outDir, { recursive: true, force: true })
    },
  }
}
