/**
 * The relay's HTTP API (JSON, for curl and scripts) and, optionally, the PWA's static files.
 *
 *   GET  /v1/status                   network, node, latest ledger, synced or why not, quorum health
 *   GET  /v1/ledgers/{seq}            header and its certificate (EXTERNALIZE envelopes of seq + 1)
 *   GET  /v1/accounts/{address}       the account now; ?proof=1: as of the certified ledger, with proof
 *   GET  /v1/accounts/{address}/payslips/{day}
 *   POST /v1/transactions             {"tx": "<base64 signed transaction envelope>"}
 *   GET  /v1/transactions/{hash}      pending / applied (ledger, result, inclusion proof) / unknown
 *   GET  /v1/validators               validators whose quorum sets this node knows (the trust graph)
 *   GET  /metrics                     Prometheus text format
 *   GET  /config.json                 what the PWA needs to find this network (libp2p addresses, passphrase)
 *
 * Errors are `{"error": {"code", "message"}}` with a 4xx/5xx status. Bodies are capped, requests are
 * rate-limited per client address (docs/limits.md), and no request can crash the node.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve } from 'node:path'
import { fromBase64, fromHex, toBase64, toHex } from '../../../src/core/codec/bytes.js'
import { InvalidStrKeyError, parseAccountAddress } from '../../../src/core/crypto/strkey.js'
import {
  EntryType,
  LedgerHeaderType,
  PayslipType,
  RECORD_BYTES,
  readRecord,
  TransactionResultType,
} from '../../../src/core/ledger/index.js'
import { SmtProofType } from '../../../src/core/merkle/smt.js'
import { QuorumSetMessage } from '../../../src/core/scp/index.js'
import type { LightService } from '../api/light-service.js'
import type { Logger } from '../util/log.js'
import { accountJson, amountJson, headerJson, resultJson } from './json.js'
import type { Metrics } from './metrics.js'

export interface HttpInit {
  host: string
  port: number
  light: LightService
  metrics: Metrics
  log: Logger
  /** Directory of the built PWA to serve at `/`, if any. */
  appDir?: string
  /** Extra fields for /config.json (libp2p addresses of this node and its peers). */
  clientConfig: () => Record<string, unknown>
  /** Requests per second per client address. @default 50 */
  rateLimit?: number
}

/** Largest request body accepted (a transaction is at most 16 KiB; base64 and JSON add a third). */
export const MAX_BODY_BYTES = 64 * 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES)
    throw new HttpError(413, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function parseAddress(text: string): Uint8Array {
  try {
    return parseAccountAddress(decodeURIComponent(text))
  } catch (err) {
    const msg = err instanceof InvalidStrKeyError ? err.message : 'not an account address'
    throw new HttpError(400, 'bad_address', msg)
  }
}

function parseSeq(text: string): bigint {
  if (!/^\d{1,19}$/.test(text)) throw new HttpError(400, 'bad_sequence', 'expected a ledger sequence number')
  return BigInt(text)
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

export function startHttp(init: HttpInit): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const { light, metrics, log } = init
  const v = light.validator
  const perSecond = init.rateLimit ?? 50
  const buckets = new Map<string, { tokens: number; at: number }>()
  const allow = (ip: string) => {
    const now = Date.now()
    const b = buckets.get(ip) ?? { tokens: perSecond * 2, at: now }
    b.tokens = Math.min(perSecond * 2, b.tokens + ((now - b.at) / 1000) * perSecond)
    b.at = now
    buckets.set(ip, b)
    if (buckets.size > 10_000) buckets.clear()
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  const routes: [
    string,
    RegExp,
    (m: RegExpMatchArray, req: IncomingMessage, url: URL) => Promise<[number, unknown]>,
  ][] = [
    [
      'GET',
      /^\/v1\/status$/,
      async () => {
        const st = v.status()
        const certified = light.view.header
        return [
          200,
          {
            network: v.networkPassphrase,
            networkId: toHex(v.networkId),
            nodeId: st.nodeId,
            validator: st.validator,
            ledger: {
              ...st.ledger,
              seq: st.ledger.seq.toString(),
              closeTime: st.ledger.closeTime.toString(),
              day: st.ledger.day.toString(),
            },
            certified: certified ? { seq: certified.seq.toString() } : null,
            synced: st.synced,
            reason: st.reason || null,
            queue: st.queue,
            lastCloseMsAgo: st.lastCloseMsAgo,
            day: dayJson(v),
            params: paramsJson(v),
            clockDriftSeconds: st.clockDriftSeconds ?? null,
            quorum: {
              ...st.quorum,
              members: st.quorum.members.map((m) => ({ ...m, lastSlot: m.lastSlot?.toString() ?? null })),
            },
          },
        ]
      },
    ],
    [
      'GET',
      /^\/v1\/ledgers\/([^/]+)$/,
      async (m) => {
        const seq = parseSeq(m[1]!)
        const record = v.store.ledger(seq)
        if (!record) throw new HttpError(404, 'not_found', `ledger ${seq} is not closed`)
        const header = LedgerHeaderType.decode(record.header)
        const certificate = v.store.externalizes(seq + 1n)
        return [
          200,
          {
            ...headerJson(header, record.hash),
            headerBytes: toBase64(record.header),
            certificate: certificate.map(toBase64),
            certified: certificate.length > 0,
            results: record.results.map((r) => resultJson(TransactionResultType.decode(r))),
          },
        ]
      },
    ],
    [
      'GET',
      /^\/v1\/accounts\/([^/]+)$/,
      async (m, _req, url) => {
        const id = parseAddress(m[1]!)
        if (url.searchParams.get('proof') === '1') {
          const r = await light.handle({ type: 'account', id })
          if (r.type === 'error') throw new HttpError(503, r.code, r.message)
          if (r.type !== 'account') throw new HttpError(500, 'internal', 'unexpected response')
          const entry = r.entry ? EntryType.decode(r.entry) : undefined
          const header = LedgerHeaderType.decode(r.certified.header)
          if (entry?.type !== 'account') {
            return [
              404,
              {
                error: { code: 'not_found', message: 'no such account (proof of absence included)' },
                asOfLedger: header.seq.toString(),
                proof: toBase64(SmtProofType.encode(r.proof)),
              },
            ]
          }
          return [
            200,
            {
              ...accountJson(id, entry),
              asOfLedger: header.seq.toString(),
              proof: {
                headerBytes: toBase64(r.certified.header),
                certificate: r.certified.certificate.map(toBase64),
                entryBytes: toBase64(r.entry!),
                stateProof: toBase64(SmtProofType.encode(r.proof)),
              },
            },
          ]
        }
        const a = v.state.account(id)
        if (!a) throw new HttpError(404, 'not_found', 'no such account')
        return [200, { ...accountJson(id, a), asOfLedger: v.state.header.seq.toString() }]
      },
    ],
    [
      'GET',
      /^\/v1\/accounts\/([^/]+)\/payslips\/(\d{1,12})$/,
      async (m) => {
        const id = parseAddress(m[1]!)
        const r = await light.handle({ type: 'payslip', account: id, day: BigInt(m[2]!) })
        if (r.type === 'error') throw new HttpError(404, r.code, r.message)
        if (r.type !== 'payslip') throw new HttpError(500, 'internal', 'unexpected response')
        if (!r.payslip) throw new HttpError(404, 'not_found', 'this account did not mine that day')
        const chunk = r.payslip.chunk
        let record: ReturnType<typeof readRecord> | undefined
        for (let i = 0; i * RECORD_BYTES < chunk.length; i++) {
          const rec = readRecord(chunk, i * RECORD_BYTES)
          if (toHex(rec.account) === toHex(id)) record = rec
        }
        return [
          200,
          {
            day: m[2],
            circle: record?.circle,
            referrals: record?.referrals,
            node: record?.node,
            points: record?.points,
            reward: record ? amountJson(record.reward) : null,
            feeShare: record ? amountJson(record.feeShare) : null,
            payslipBytes: toBase64(PayslipType.encode(r.payslip)),
          },
        ]
      },
    ],
    [
      'POST',
      /^\/v1\/transactions$/,
      async (_m, req) => {
        const body = await readBody(req)
        let parsed: unknown
        try {
          parsed = JSON.parse(body.toString('utf8'))
        } catch {
          throw new HttpError(400, 'bad_json', 'the body is not JSON; send {"tx": "<base64>"}')
        }
        const txText = (parsed as { tx?: unknown })?.tx
        if (typeof txText !== 'string')
          throw new HttpError(400, 'bad_request', 'expected {"tx": "<base64 signed transaction envelope>"}')
        let bytes: Uint8Array
        try {
          bytes = fromBase64(txText)
        } catch (err) {
          throw new HttpError(400, 'bad_base64', (err as Error).message)
        }
        const r = await v.submitTransaction(bytes)
        metrics.count('watt_tx_submitted_total', { result: r.status })
        if (r.status === 'rejected') {
          return [400, { error: { code: r.code, message: r.reason }, hash: r.hash ? toHex(r.hash) : null }]
        }
        return [r.status === 'pending' ? 202 : 200, { hash: toHex(r.hash), status: r.status }]
      },
    ],
    [
      'GET',
      /^\/v1\/transactions\/([0-9a-fA-F]{64})$/,
      async (m) => {
        const hash = fromHex(m[1]!)
        const r = await light.handle({ type: 'tx', hash })
        if (r.type !== 'tx') throw new HttpError(500, 'internal', 'unexpected response')
        if (r.status !== 'applied')
          return [r.status === 'unknown' ? 404 : 200, { hash: m[1]!.toLowerCase(), status: r.status }]
        const result = TransactionResultType.decode(r.result!)
        const loc = v.store.txLocation(hash)!
        return [
          200,
          {
            hash: m[1]!.toLowerCase(),
            status: result.code === 'tx_success' ? 'applied' : 'failed',
            ledger: loc.seq.toString(),
            result: resultJson(result),
            proof: {
              index: r.index,
              resultBytes: toBase64(r.result!),
              merkleProof: r.proof?.siblings.map(toHex),
              headerBytes: r.certified ? toBase64(r.certified.header) : null,
              certificate: r.certified ? r.certified.certificate.map(toBase64) : null,
            },
          },
        ]
      },
    ],
    [
      'GET',
      /^\/v1\/validators$/,
      async () => [
        200,
        {
          validators: v
            .knownQuorumSets()
            .map((k) => ({ id: k.id, quorumSet: QuorumSetMessage.decode(k.quorumSet) })),
        },
      ],
    ],
    ['GET', /^\/metrics$/, async () => [200, metrics.render()]],
    ['GET', /^\/config\.json$/, async () => [200, init.clientConfig()]],
  ]

  const server = createServer(async (req, res) => {
    const started = performance.now()
    const ip = req.socket.remoteAddress ?? '?'
    let route = 'static'
    try {
      const url = new URL(req.url ?? '/', 'http://relay')
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'content-type',
        })
        res.end()
        return
      }
      if (!allow(ip))
        throw new HttpError(429, 'rate_limited', `at most ${perSecond} requests per second per client`)
      for (const [method, re, handler] of routes) {
        const m = url.pathname.match(re)
        if (!m) continue
        route = re.source
        if (req.method !== method)
          throw new HttpError(405, 'method_not_allowed', `use ${method} for ${url.pathname}`)
        const [status, body] = await handler(m, req, url)
        if (typeof body === 'string') {
          res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
          res.end(body)
        } else json(res, status, body)
        return
      }
      if (url.pathname.startsWith('/v1/')) throw new HttpError(404, 'not_found', `no route ${url.pathname}`)
      if (init.appDir && (req.method === 'GET' || req.method === 'HEAD'))
        return serveStatic(init.appDir, url.pathname, res)
      throw new HttpError(404, 'not_found', `no route ${url.pathname}`)
    } catch (err) {
      if (err instanceof HttpError) json(res, err.status, { error: { code: err.code, message: err.message } })
      else {
        log.error('http handler failed', { url: req.url, err: (err as Error).stack ?? String(err) })
        json(res, 500, { error: { code: 'internal', message: 'internal error' } })
      }
    } finally {
      metrics.observe('watt_http_request_seconds', (performance.now() - started) / 1000, { route })
    }
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 15_000
  server.maxConnections = 2_000
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(init.port, init.host, () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : init.port
      resolvePromise({ server, port, close: () => new Promise<void>((r) => server.close(() => r())) })
    })
  })
}

function dayJson(v: LightService['validator']) {
  const p = v.state.params()
  const day = v.state.header.day
  const entry = v.state.day(day)
  return {
    number: day.toString(),
    beacon: entry ? toHex(entry.beacon) : null,
    startsAt: (p.genesisTime + day * p.dayLength).toString(),
    endsAt: (p.genesisTime + (day + 1n) * p.dayLength).toString(),
    checkIns: entry?.checkIns ?? 0,
  }
}

function paramsJson(v: LightService['validator']) {
  const p = v.state.params()
  return {
    genesisTime: p.genesisTime.toString(),
    dayLength: p.dayLength.toString(),
    maxOpsPerLedger: p.maxOpsPerLedger,
    protocolVersion: p.protocolVersion,
    puzzleMemoryKiB: p.puzzleMemoryKiB,
    checkInDifficulty: p.checkInDifficulty,
    createAccountDifficulty: p.createAccountDifficulty,
  }
}

function serveStatic(dir: string, pathname: string, res: ServerResponse): void {
  const root = resolve(dir)
  let file = normalize(join(root, decodeURIComponent(pathname)))
  if (!file.startsWith(root)) {
    json(res, 400, { error: { code: 'bad_path', message: 'path escapes the app directory' } })
    return
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html') // SPA fallback
  if (!existsSync(file)) {
    json(res, 404, { error: { code: 'not_found', message: 'the app is not built: run npm run build' } })
    return
  }
  const type = MIME[extname(file)] ?? 'application/octet-stream'
  const immutable = file.includes(`${root}/assets/`)
  res.writeHead(200, {
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(file.endsWith('sw.js') ? { 'service-worker-allowed': '/' } : {}),
  })
  createReadStream(file).pipe(res)
}
