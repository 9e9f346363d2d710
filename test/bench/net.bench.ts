/**
 * Network benchmarks (issue 5, "WebSocket connections one relay holds"):
 *
 * 1. Idle browser connections: a relay host in its own process (so its memory is its own) and 1,000
 *    browser nodes (`createBrowserNode`, the PWA's libp2p config run in Node) spread over client
 *    processes. Each holds one WebSocket connection to the relay and a circuit relay reservation, as
 *    a phone does. Reported: the relay's RSS and heap before and after, per connection, and whether
 *    every connection stayed up through the idle period (libp2p pings each one every 10 s).
 * 2. Request/response on loopback: round-trip latency (sequential) and throughput (16 in flight) of
 *    small `light` requests, with no idle connections and again while the relay holds the 1,000; and
 *    the transfer rate of a 4 MiB response.
 *
 * This file is also the entry point of its child processes (WATT_NET_BENCH_ROLE=relay|clients).
 */
import '../setup/node-polyfills.js'
import { type ChildProcess, fork } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { networkIdOf } from '../../src/core/codec/index.js'
import { type BrowserNode, createBrowserNode } from '../../src/net/index.js'
import { createRelayHost } from '../../src/net/index.node.js'
import { type Bench, fmt, percentiles } from './lib.js'

const CONNECTIONS = Number(process.env.WATT_NET_BENCH_CONNECTIONS ?? 1_000)
const CLIENT_PROCESSES = 2
const IDLE_MS = Number(process.env.WATT_NET_BENCH_IDLE_MS ?? 30_000)
const DIAL_CONCURRENCY = 8
/** A browser retries a failed dial (as the PWA does), here up to 5 times, 0.5 s apart and more. */
const DIAL_ATTEMPTS = 5
const BULK_BYTES = 4 * 1024 * 1024
const networkId = networkIdOf('Watt net bench')
const LIMITS = {
  // The benchmark measures the machinery, not the per-peer policy: lift the rate limit and widen the
  // window and size of `light` so one client can drive it.
  light: { ratePerSecond: 1e9, burst: 1e9, maxConcurrentPerPeer: 64, maxResponseBytes: BULK_BYTES },
}

type Msg = { type: string; [k: string]: unknown }

// -------------------------------------------------------------------------------------------------
// Child: the relay

async function relayChild(): Promise<void> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const host = await createRelayHost({
    networkId,
    protocolLimits: LIMITS,
    // All clients share 127.0.0.1: lift the per-host connection rate (10/s) that would otherwise
    // make 1,000 connections take 100 s. maxConnections and the pending limit stay at their defaults.
    connections: { inboundPerHostPerSecond: 1e6 },
  })
  const bulk = new Uint8Array(BULK_BYTES).fill(7)
  await host.reqresp.handle(host.protocols.light, async (req) => (req[0] === 1 ? bulk : req))
  let disconnects = 0
  host.events.addEventListener('peer:disconnect', () => disconnects++)
  const memory = () => {
    gc()
    gc()
    const m = process.memoryUsage()
    return { rss: m.rss, heap: m.heapUsed, external: m.external, buffers: m.arrayBuffers }
  }
  process.on('message', async (msg: Msg) => {
    if (msg.type === 'stats') {
      const cpu = process.cpuUsage()
      process.send!({
        type: 'stats',
        memory: memory(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        connections: host.connections(),
        disconnects,
      })
    } else if (msg.type === 'stop') {
      await host.stop()
      process.exit(0)
    }
  })
  process.send!({ type: 'ready', addr: host.multiaddrs()[0]!.toString(), peerId: host.peerId.toString() })
}

// -------------------------------------------------------------------------------------------------
// Child: a batch of browser nodes

async function clientsChild(): Promise<void> {
  const addr = process.env.WATT_NET_BENCH_RELAY!
  const count = Number(process.env.WATT_NET_BENCH_COUNT)
  const nodes: BrowserNode[] = []
  let failed = 0
  let retries = 0
  const reasons = new Map<string, number>()
  let disconnects = 0
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      const node = await createBrowserNode({ networkId, allowInsecureLocal: true })
      node.events.addEventListener('peer:disconnect', () => disconnects++)
      nodes.push(node)
      for (let attempt = 1; attempt <= DIAL_ATTEMPTS; attempt++) {
        try {
          await node.connect(addr, { signal: AbortSignal.timeout(30_000) })
          break
        } catch (err) {
          retries++
          const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
          if (attempt === DIAL_ATTEMPTS) failed++
          else await new Promise((r) => setTimeout(r, 500 * attempt))
        }
      }
    }
  }
  await Promise.all(Array.from({ length: DIAL_CONCURRENCY }, worker))
  // Reservations follow the connection within ~100 ms; give them a moment.
  await new Promise((r) => setTimeout(r, 1_000))
  const status = () => ({
    connected: nodes.filter((n) => n.connections().peers > 0).length,
    reserved: nodes.filter((n) => n.multiaddrs().some((a) => a.toString().includes('/p2p-circuit'))).length,
    failed,
    retries,
    reasons: [...reasons].map(([r, n]) => `${n}× ${r}`).join('; '),
    disconnects,
    rss: process.memoryUsage().rss,
  })
  process.on('message', async (msg: Msg) => {
    if (msg.type === 'status') process.send!({ type: 'status', ...status() })
    else if (msg.type === 'stop') {
      await Promise.all(nodes.map((n) => n.stop().catch(() => {})))
      process.exit(0)
    }
  })
  process.send!({ type: 'ready', ...status() })
}

// -------------------------------------------------------------------------------------------------
// Parent

function spawn(role: string, env: Record<string, string> = {}): ChildProcess {
  return fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    env: { ...process.env, ...env, WATT_NET_BENCH_ROLE: role },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/** Send `msg` (if any) and wait for the next message of `type`. */
function ask<T extends Msg>(child: ChildProcess, type: string, msg?: Msg): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Msg) => {
      if (m.type !== type) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(m as T)
    }
    const onExit = (code: number) => reject(new Error(`${type}: child exited with ${code}`))
    child.on('message', onMessage)
    child.on('exit', onExit)
    if (msg) child.send(msg)
  })
}

interface RelayStats extends Msg {
  cpuMs: number
  memory: { rss: number; heap: number; external: number; buffers: number }
  connections: { connections: number; peers: number; reservations: number }
  disconnects: number
}
interface ClientStatus extends Msg {
  connected: number
  reserved: number
  failed: number
  retries: number
  reasons: string
  disconnects: number
  rss: number
}

async function requestFigures(client: BrowserNode, relay: string) {
  const target = await client.connect(relay)
  const protocol = client.protocols.light
  const small = Uint8Array.of(0, 1, 2, 3)
  for (let i = 0; i < 200; i++) await client.reqresp.request(target, protocol, small)
  const samples: number[] = []
  for (let i = 0; i < 2_000; i++) {
    const t = performance.now()
    await client.reqresp.request(target, protocol, small)
    samples.push(performance.now() - t)
  }
  const lat = percentiles(samples, [50, 90, 99])
  let n = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() - start < 3_000) {
        await client.reqresp.request(target, protocol, small)
        n++
      }
    }),
  )
  const throughput = (n * 1000) / (performance.now() - start)
  const bulkTimes: number[] = []
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    const res = await client.reqresp.request(target, protocol, Uint8Array.of(1))
    if (res.length !== BULK_BYTES) throw new Error('bulk response truncated')
    bulkTimes.push(performance.now() - t)
  }
  const bulkMs = Math.min(...bulkTimes)
  return { lat, throughput, bulkMBps: BULK_BYTES / 1e6 / (bulkMs / 1000), bulkMs }
}

export default async function (b: Bench): Promise<void> {
  const load0 = os
    .loadavg()
    .map((x) => fmt(x, 1))
    .join(', ')
  const mib = (n: number) => `${fmt(n / 1024 / 1024, 1)} MiB`
  const relay = spawn('relay')
  try {
    const ready = await ask<Msg & { addr: string }>(relay, 'ready')
    const before = await ask<RelayStats>(relay, 'stats', { type: 'stats' })

    // Request/response with no other load.
    const probe = await createBrowserNode({
      networkId,
      allowInsecureLocal: true,
      protocolLimits: LIMITS,
      listen: false,
    })
    await requestFigures(probe, ready.addr) // warm-up (JIT), discarded
    const quiet = await requestFigures(probe, ready.addr)
    const afterProbe = await ask<RelayStats>(relay, 'stats', { type: 'stats' })

    // 1,000 idle browser connections.
    const t0 = performance.now()
    const per = Math.ceil(CONNECTIONS / CLIENT_PROCESSES)
    const clients = Array.from({ length: CLIENT_PROCESSES }, (_, i) =>
      spawn('clients', {
        WATT_NET_BENCH_RELAY: ready.addr,
        WATT_NET_BENCH_COUNT: String(Math.min(per, CONNECTIONS - i * per)),
      }),
    )
    const started = await Promise.all(clients.map((c) => ask<ClientStatus>(c, 'ready')))
    const connectSeconds = (performance.now() - t0) / 1000
    const connected = await ask<RelayStats>(relay, 'stats', { type: 'stats' })
    await new Promise((r) => setTimeout(r, IDLE_MS))
    const idle = await ask<RelayStats>(relay, 'stats', { type: 'stats' })
    const status = await Promise.all(clients.map((c) => ask<ClientStatus>(c, 'status', { type: 'status' })))
    const loaded = await requestFigures(probe, ready.addr)
    await probe.stop()

    const sum = (xs: ClientStatus[], k: keyof ClientStatus) => xs.reduce((n, x) => n + Number(x[k]), 0)
    const held = idle.connections.peers - 1 // minus the probe
    const live = (m: RelayStats['memory']) => m.heap + m.external
    const perConn = (live(idle.memory) - live(afterProbe.memory)) / Math.max(1, held)
    const perConnRss = (idle.memory.rss - afterProbe.memory.rss) / Math.max(1, held)
    const retryReasons = started.map((s) => s.reasons).filter(Boolean)

    b.section('net', 'Network: idle browser connections and request/response (libp2p 3)')
    b.note(
      `One relay host (\`createRelayHost\`, default limits except the per-IP connection rate, since every client is 127.0.0.1) in its own process; ${fmt(CONNECTIONS)} browser nodes (\`createBrowserNode\`, the PWA config: ws + WebRTC + circuit relay transports, noise, yamux, identify, ping) in ${CLIENT_PROCESSES} client processes, dialling ${DIAL_CONCURRENCY} at a time per process. Each holds one WebSocket connection and a circuit relay reservation, as a phone does; each browser pings the relay every 30 s and the relay pings every connection every 60 s. Memory is measured in the relay process after two full GCs. Load average at the start / end of the run: ${load0} / ${os
        .loadavg()
        .map((x) => fmt(x, 1))
        .join(', ')} (the machine is shared; the client processes compete with the relay for its 2 cores).`,
    )
    b.table([
      {
        figure: 'connections opened',
        value: `${fmt(sum(started, 'connected'))} of ${fmt(CONNECTIONS)} in ${fmt(connectSeconds, 1)} s (${fmt(sum(started, 'failed'))} gave up; ${fmt(sum(started, 'retries'))} dial attempts retried)`,
      },
      { figure: 'circuit reservations held by the relay', value: fmt(idle.connections.reservations) },
      {
        figure: `still connected after ${fmt(IDLE_MS / 1000)} s idle (relay / clients)`,
        value: `${fmt(held)} / ${fmt(sum(status, 'connected'))}; disconnects seen: relay ${fmt(idle.disconnects)}, clients ${fmt(sum(status, 'disconnects'))}`,
      },
      {
        figure: 'relay RSS: started / after probe / 1,000 connected / after idle',
        value: `${mib(before.memory.rss)} / ${mib(afterProbe.memory.rss)} / ${mib(connected.memory.rss)} / ${mib(idle.memory.rss)}`,
      },
      {
        figure: 'relay JS heap: started / 1,000 connected / after idle',
        value: `${mib(before.memory.heap)} / ${mib(connected.memory.heap)} / ${mib(idle.memory.heap)}`,
      },
      {
        figure: 'relay external + array buffers after idle',
        value: `${mib(idle.memory.external)} (of which buffers ${mib(idle.memory.buffers)})`,
      },
      {
        figure: 'relay CPU: per connection set up / while idle',
        value: `${fmt((connected.cpuMs - afterProbe.cpuMs) / Math.max(1, held), 1)} ms / ${fmt((100 * (idle.cpuMs - connected.cpuMs)) / IDLE_MS, 1)}% of one core`,
      },
      {
        figure: 'per connection: live memory (heap + external) / RSS growth',
        value: `${fmt(perConn / 1024, 0)} KiB / ${fmt(perConnRss / 1024, 0)} KiB`,
      },
      {
        figure: `live memory at the connection limit (${fmt(1_200)}), extrapolated`,
        value: mib(live(afterProbe.memory) + perConn * 1_200),
      },
      { figure: 'client processes RSS (all browser nodes)', value: mib(sum(status, 'rss')) },
    ])
    b.table(
      [
        ['no other connections', quiet],
        [`while holding ${fmt(held)} idle connections`, loaded],
      ].map(([label, f]) => {
        const x = f as typeof quiet
        return {
          'request/response on loopback (4-byte light request, echo)': label as string,
          'latency p50 / p90 / p99': `${fmt(x.lat.p50!, 2)} / ${fmt(x.lat.p90!, 2)} / ${fmt(x.lat.p99!, 2)} ms`,
          'throughput, 16 in flight': `${fmt(x.throughput)} req/s`,
          '4 MiB response': `${fmt(x.bulkMs, 0)} ms (${fmt(x.bulkMBps, 0)} MB/s)`,
        }
      }),
    )
    if (retryReasons.length > 0)
      b.note(`Dial attempts that were retried, by error: ${retryReasons.join('; ')}.`)
    b.note(
      'Each request opens a fresh yamux stream (multistream-select negotiation, one frame each way, close), so the round trip includes stream setup; the 4 MiB response is one frame through noise and yamux over one WebSocket.',
    )
    await Promise.all(clients.map((c) => ask(c, 'never', { type: 'stop' }).catch(() => {})))
  } finally {
    relay.send({ type: 'stop' })
    await new Promise((r) => setTimeout(r, 500))
    relay.kill()
  }
}

const role = process.env.WATT_NET_BENCH_ROLE
if (role === 'relay') await relayChild()
else if (role === 'clients') await clientsChild()
