/**
 * The light-client test page: exposes `window.lightPage`, which test/e2e/light-browser.test.ts, the
 * WebRTC driver (test/e2e/helpers/webrtc-driver.ts) and test/bench/light.bench.ts drive through
 * page.evaluate. The light client runs as the PWA runs it: the libp2p browser node, IndexedDB, the
 * platform's Ed25519 (WebCrypto in Chromium). Arguments and results are JSON-safe (hex, decimal strings).
 */
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { idbStore } from '../../../src/app/light/idb-store.js'
import { LightClient, type LightSnapshot } from '../../../src/app/light/index.js'
import { fromHex, toHex } from '../../../src/core/codec/bytes.js'
import { nobleEd25519 } from '../../../src/core/crypto/ed25519.js'
import { LedgerHeaderType } from '../../../src/core/ledger/index.js'
import { verifyCertifiedHeader, verifyEntry, verifyTransactionResult } from '../../../src/core/light/index.js'
import { MerkleProofType } from '../../../src/core/merkle/list.js'
import { SmtProofType } from '../../../src/core/merkle/smt.js'
import { QuorumSetMessage } from '../../../src/core/scp/codec.js'
import { type BrowserNode, createBrowserNode } from '../../../src/net/index.js'
import { pickEd25519 } from '../../../src/platform/ed25519.js'
import { runVerifiedStoreCompliance } from '../../unit/light/store-compliance.js'
import type { HeaderFixture, ProofFixture } from '../helpers/light-fixtures.js'

/** What the page needs to find a network: the relay's /config.json. */
export interface PageConfig {
  network: string
  networkId: string
  relays: string[]
  validators: string[]
}

let client: LightClient | undefined
const t0 = performance.now()

function snapshotJson(s: LightSnapshot) {
  return {
    online: s.online,
    relays: s.relays.map((r) => ({ addr: r.addr, connected: r.connected, lastError: r.lastError ?? null })),
    trusted: { ...s.trusted.quorumSet, chosenBy: s.trusted.chosenBy, ranking: s.trusted.ranking },
    latest: s.latest ? { seq: String(s.latest.seq), signers: s.latest.signers.length } : null,
    closeTimes: s.closeTimes.length,
    alarms: s.alarms.map((a) => ({ kind: a.kind, relays: a.relays, message: a.message })),
    pending: s.pending,
  }
}

/** Start a light client with IndexedDB storage; resolves after its first round. */
async function start(c: PageConfig & { pollIntervalMs?: number }) {
  await client?.stop()
  client = new LightClient({
    networkId: fromHex(c.networkId),
    networkPassphrase: c.network,
    relays: c.relays,
    seeds: c.validators,
    allowInsecureLocal: true,
    storage: await idbStore(),
    pollIntervalMs: c.pollIntervalMs ?? 1000,
  })
  await client.start()
  return snapshotJson(client.snapshot())
}

async function waitLatest(timeoutMs: number) {
  const end = performance.now() + timeoutMs
  while (!client?.snapshot().latest) {
    if (performance.now() > end) throw new Error('no certified header accepted in time')
    await client?.refresh()
    await new Promise((r) => setTimeout(r, 200))
  }
  return snapshotJson(client.snapshot())
}

async function account(address: string) {
  if (!client) throw new Error('start() first')
  const a = await client.account(address)
  return {
    balance: a.account ? String(a.account.balance) : null,
    seq: String(a.header.seq),
    fromCache: a.fromCache,
    signers: a.header.signers.length,
  }
}

/**
 * Time from opening (client construction) to a verified balance; `sinceNavigation` adds the page load
 * (module evaluation, from navigation start).
 */
async function openToBalance(c: PageConfig, address: string) {
  const start0 = performance.now()
  await start({ ...c, pollIntervalMs: 60_000 })
  const a = await account(address)
  const ms = performance.now() - start0
  return { ms, sinceNavigation: performance.now(), pageLoad: t0, ...a }
}

function snapshot() {
  if (!client) throw new Error('start() first')
  return snapshotJson(client.snapshot())
}

async function stop() {
  await client?.stop()
  client = undefined
}

/** The IndexedDB VerifiedStore against the compliance suite (a fresh database per check). */
async function storeCompliance() {
  let n = 0
  return runVerifiedStoreCompliance(() => idbStore(`watt-light-compliance-${Date.now()}-${n++}`))
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Verify a certified header `runs` times with each Ed25519 backend: per-run milliseconds. */
async function benchHeader(f: HeaderFixture, runs = 30, only?: string) {
  const certified = { header: fromHex(f.header), certificate: f.certificate.map(fromHex) }
  const quorumSet = QuorumSetMessage.decode(fromHex(f.quorumSet))
  const out: Record<string, { median: number; min: number; first: number; signers: number }> = {}
  for (const ed of [await pickEd25519(), nobleEd25519].filter((e) => only === undefined || e.name === only)) {
    const times: number[] = []
    let signers = 0
    for (let i = 0; i < runs; i++) {
      const t = performance.now()
      const r = await verifyCertifiedHeader(certified, {
        networkId: fromHex(f.networkId),
        quorumSet,
        ed25519: ed,
      })
      times.push(performance.now() - t)
      if (!r.ok) throw new Error(`the fixture does not verify: ${r.reason}`)
      signers = r.signers.length
    }
    out[ed.name] = { median: median(times), min: Math.min(...times), first: times[0]!, signers }
  }
  return out
}

/** State-proof and inclusion-proof verification, `runs` times each: per-run microseconds. */
function benchProofs(f: ProofFixture, runs = 2000) {
  const header = LedgerHeaderType.decode(fromHex(f.header))
  const id = fromHex(f.account.id)
  const entry = fromHex(f.account.entry)
  const smt = SmtProofType.decode(fromHex(f.account.proof))
  const result = fromHex(f.result.bytes)
  const mp = MerkleProofType.decode(fromHex(f.result.proof))
  const txHash = fromHex(f.result.txHash)
  const time = (fn: () => boolean) => {
    for (let i = 0; i < 200; i++) if (!fn()) throw new Error('the fixture does not verify')
    const t = performance.now()
    for (let i = 0; i < runs; i++) fn()
    return ((performance.now() - t) * 1000) / runs
  }
  return {
    stateProofUs: time(() => verifyEntry(header, { type: 'account', id }, entry, smt).ok),
    inclusionProofUs: time(() => verifyTransactionResult(header, f.result.index, result, mp, txHash).ok),
  }
}

// -------------------------------------------------------------------------------------------------
// Browser to browser over WebRTC, signalled through a relay's circuit v2 server.

const ECHO = '/watt-test/echo/1.0.0'
let node: BrowserNode | undefined

async function readAll(stream: Stream): Promise<string> {
  let text = ''
  const dec = new TextDecoder()
  for await (const chunk of stream) text += dec.decode(chunk instanceof Uint8Array ? chunk : chunk.subarray())
  return text
}

async function echo(stream: Stream, message: string): Promise<string> {
  const reading = readAll(stream)
  stream.send(new TextEncoder().encode(message))
  await stream.close()
  return reading
}

/** Start a libp2p browser node, reserve a slot on the relay and serve an echo; resolves with its /webrtc address. */
async function p2pListen(c: { networkId: string; relay: string }) {
  node = await createBrowserNode({ networkId: fromHex(c.networkId), allowInsecureLocal: true })
  await node.libp2p.handle(ECHO, async (stream) => {
    const text = await readAll(stream)
    stream.send(new TextEncoder().encode(`echo:${text}`))
    await stream.close()
  })
  await node.connect(c.relay)
  const end = performance.now() + 10_000
  for (;;) {
    const addr = node.multiaddrs().find((a) => a.toString().includes('/p2p-circuit/webrtc'))
    if (addr) return addr.toString()
    if (performance.now() > end) throw new Error('no circuit reservation in 10 s')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Dial another page's /webrtc address and echo a message over a new stream. */
async function p2pDial(c: { networkId: string; target: string; message: string }) {
  node ??= await createBrowserNode({ networkId: fromHex(c.networkId), allowInsecureLocal: true })
  const t = performance.now()
  const conn = await node.libp2p.dial(multiaddr(c.target))
  const connectMs = performance.now() - t
  const reply = await echo(await conn.newStream(ECHO), c.message)
  return {
    reply,
    connectMs,
    remoteAddr: conn.remoteAddr.toString(),
    limited: conn.limits != null,
    multiplexer: conn.multiplexer ?? null,
  }
}

/** Echo again over the existing direct connections (after the relay is gone). */
async function p2pEchoAgain(message: string) {
  if (!node) throw new Error('no node')
  const conns = node.libp2p
    .getConnections()
    .filter((c) => c.status === 'open' && c.remoteAddr.toString().includes('/webrtc'))
  if (conns.length === 0)
    return { reply: null, connections: node.libp2p.getConnections().map((c) => c.remoteAddr.toString()) }
  const reply = await echo(await conns[0]!.newStream(ECHO), message)
  return { reply, connections: node.libp2p.getConnections().map((c) => c.remoteAddr.toString()) }
}

const api = {
  start,
  waitLatest,
  account,
  snapshot,
  stop,
  openToBalance,
  storeCompliance,
  benchHeader,
  benchProofs,
  p2pListen,
  p2pDial,
  p2pEchoAgain,
  toHex,
}
;(globalThis as unknown as { lightPage: typeof api }).lightPage = api
export type LightPage = typeof api
document.getElementById('status')!.textContent = 'ready'
