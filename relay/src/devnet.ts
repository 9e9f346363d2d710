/**
 * `watt-relay devnet`: a local multi-validator network on loopback — real OS processes, one SQLite
 * database each, fast ledgers and a short mining day — for development, demos and the multi-process
 * tests. Keys, genesis and configs live in one directory; running again reuses them (the ledgers
 * continue), `--fresh` starts a new network.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { accountAddress, validatorId } from '../../src/core/crypto/strkey.js'
import { loadOrCreatePeerKey } from '../../src/net/index.node.js'
import { nodeEd25519 } from './crypto/ed25519-node.js'
import { readSeedFile, writeSeedFile } from './keys.js'

export interface DevnetOptions {
  validators: number
  dir: string
  closeTimeMs: number
  dayLength: number
  appDir?: string
  fresh: boolean
  /** Print the validators' logs to this process's stderr too. */
  verbose: boolean
  /** Fixed first HTTP port (the others follow); 0 picks free ports. */
  basePort: number
  /** Loopback host to bind. */
  host: string
  /** More funded accounts in the genesis (benchmarks, tests). */
  allocations?: { account: string; amount: string }[]
  /** HTTP requests per second per client (load generators need more than the default 50). */
  httpRateLimit?: number
}

export interface DevnetNode {
  index: number
  validatorId: string
  peerId: string
  http: string
  httpPort: number
  p2pPort: number
  multiaddr: string
  dir: string
}

export interface DevnetInfo {
  network: string
  faucetKeyFile: string
  faucetAddress: string
  nodes: DevnetNode[]
  appUrl?: string
}

/** Linux hands out 32768–60999 for outgoing connections and `listen(0)`; stay below it. */
const PORT_LOW = 20_000
const PORT_HIGH = 32_000
const taken = new Set<number>()

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer()
    s.once('error', () => res(false))
    s.listen(port, host, () => s.close(() => res(true)))
  })
}

/**
 * A free port for a devnet validator, picked at random below the ephemeral range: a validator that is
 * stopped and started again (tests do) gets its port back, because no outgoing connection or `listen(0)`
 * elsewhere on the machine can be handed it in between.
 */
export async function freePort(host: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW))
    if (taken.has(p)) continue
    if (await canBind(p, host)) {
      taken.add(p)
      return p
    }
  }
  throw new Error(`no free port between ${PORT_LOW} and ${PORT_HIGH} on ${host} after 200 tries`)
}

/** BFT threshold: n − ⌊(n − 1) / 3⌋ (4 → 3, 7 → 5), as stellar-core's generated quorum sets. */
export const bftThreshold = (n: number): number => n - Math.floor((n - 1) / 3)

/** Create (or reuse) the devnet directory: keys, genesis, configs. */
export async function prepareDevnet(o: DevnetOptions): Promise<DevnetInfo> {
  const dir = resolve(o.dir)
  const infoPath = join(dir, 'devnet.json')
  if (o.fresh && existsSync(dir)) rmSync(dir, { recursive: true, force: true })
  if (existsSync(infoPath)) {
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as DevnetInfo
    if (info.nodes.length === o.validators) return info
    throw new Error(
      `${dir} holds a devnet of ${info.nodes.length} validators; use --fresh to replace it, or --validators ${info.nodes.length}`,
    )
  }
  mkdirSync(dir, { recursive: true })
  const network = `Watt Devnet ${new Date().toISOString().slice(0, 19)}`
  const nodes: DevnetNode[] = []
  for (let i = 0; i < o.validators; i++) {
    const ndir = join(dir, `v${i}`)
    const seed = writeSeedFile(join(ndir, 'validator.key'))
    const peerKey = await loadOrCreatePeerKey(join(ndir, 'peer.key'))
    const httpPort = o.basePort ? o.basePort + i : await freePort(o.host)
    const p2pPort = o.basePort ? o.basePort + 100 + i : await freePort(o.host)
    const peerId = peerIdFromPrivateKey(peerKey).toString()
    nodes.push({
      index: i,
      validatorId: validatorId(nodeEd25519.publicKeySync(seed)),
      peerId,
      http: `http://${o.host}:${httpPort}`,
      httpPort,
      p2pPort,
      multiaddr: `/ip4/${o.host}/tcp/${p2pPort}/ws/p2p/${peerId}`,
      dir: ndir,
    })
  }
  const faucetKeyFile = join(dir, 'faucet.key')
  const faucet = writeSeedFile(faucetKeyFile)
  const team = writeSeedFile(join(dir, 'team.key'))
  const faucetAddress = accountAddress(nodeEd25519.publicKeySync(faucet))
  writeFileSync(
    join(dir, 'genesis.json'),
    JSON.stringify(
      {
        networkPassphrase: network,
        genesisTime: Math.floor(Date.now() / 1000),
        params: {
          dayLength: o.dayLength,
          checkInDifficulty: 4,
          createAccountDifficulty: 5,
          puzzleMemoryKiB: 256,
        },
        validators: nodes.map((n) => ({ id: n.validatorId, name: `v${n.index}` })),
        teamAccount: accountAddress(nodeEd25519.publicKeySync(team)),
        allocations: [{ account: faucetAddress, amount: '1000000' }, ...(o.allocations ?? [])],
      },
      null,
      2,
    ),
  )
  const qset = {
    threshold: bftThreshold(o.validators),
    validators: nodes.map((n) => n.validatorId),
    innerSets: [],
  }
  for (const n of nodes) {
    writeFileSync(
      join(n.dir, 'config.json'),
      JSON.stringify(
        {
          network,
          genesis: '../genesis.json',
          keyFile: 'validator.key',
          peerKeyFile: 'peer.key',
          dataDir: 'data',
          quorumSet: qset,
          p2p: {
            host: o.host,
            port: n.p2pPort,
            peers: nodes.filter((m) => m !== n).map((m) => m.multiaddr),
            allowLocal: true,
          },
          http: {
            host: o.host,
            port: n.httpPort,
            ...(o.httpRateLimit ? { rateLimit: o.httpRateLimit } : {}),
          },
          closeTimeMs: o.closeTimeMs,
          checkInvariants: true,
          ...(o.appDir ? { appDir: resolve(o.appDir) } : {}),
          client: {
            relays: nodes.filter((m) => m !== n).map((m) => m.multiaddr),
            http: nodes.map((m) => m.http),
            devnet: true,
          },
        },
        null,
        2,
      ),
    )
  }
  const info: DevnetInfo = {
    network,
    faucetKeyFile,
    faucetAddress,
    nodes,
    ...(o.appDir ? { appUrl: nodes[0]!.http } : {}),
  }
  writeFileSync(infoPath, JSON.stringify(info, null, 2))
  // The faucet key must stay readable to scripts in this directory: check it round-trips.
  readSeedFile(faucetKeyFile)
  return info
}

const BIN = fileURLToPath(new URL('../bin/watt-relay.js', import.meta.url))

/** Start one validator process of a devnet (also used by tests to restart a killed validator). */
export function spawnValidator(node: DevnetNode, verbose: boolean): ChildProcess {
  const log = createWriteStream(join(node.dir, 'relay.log'), { flags: 'a' })
  const child = spawn(process.execPath, [BIN, 'run', '--config', join(node.dir, 'config.json')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  })
  for (const s of [child.stdout!, child.stderr!]) {
    s.pipe(log, { end: false })
    if (verbose) s.on('data', (d: Buffer) => process.stderr.write(`[v${node.index}] ${d}`))
  }
  return child
}

/**
 * Wait until `url` answers /v1/status; with `validatorId`, only that validator counts (another process
 * answering on the port — a port taken while this one was down — is an error, not a success).
 */
export async function waitHttp(url: string, timeoutMs = 60_000, validatorId?: string): Promise<void> {
  const start = Date.now()
  for (;;) {
    try {
      const r = await fetch(`${url}/v1/status`)
      if (r.ok) {
        if (!validatorId) return
        const st = (await r.json()) as { nodeId?: string }
        if (st.nodeId === validatorId) return
        throw new Error(`${url} is answered by ${st.nodeId}, not by validator ${validatorId}`)
      }
    } catch (err) {
      if ((err as Error).message.includes('is answered by')) throw err
      // not up yet
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`${url} did not answer within ${timeoutMs} ms (see its relay.log)`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Wait until this devnet validator (and not some other process on its port) answers. */
export const waitNode = (node: DevnetNode, timeoutMs = 60_000): Promise<void> =>
  waitHttp(node.http, timeoutMs, node.validatorId)

export async function runDevnet(
  o: DevnetOptions,
  print: (line: string) => void,
): Promise<{ info: DevnetInfo; children: ChildProcess[]; stop(): Promise<void> }> {
  const info = await prepareDevnet(o)
  const children = info.nodes.map((n) => spawnValidator(n, o.verbose))
  let stopping = false
  children.forEach((c, i) => {
    c.on('exit', (code, sig) => {
      if (!stopping)
        print(`validator v${i} exited (${sig ?? code}); see ${join(info.nodes[i]!.dir, 'relay.log')}`)
    })
  })
  await Promise.all(info.nodes.map((n) => waitNode(n)))
  print(
    `Watt devnet "${info.network}" — ${info.nodes.length} validators, ${o.closeTimeMs} ms ledgers, ${o.dayLength} s mining day`,
  )
  for (const n of info.nodes)
    print(`  v${n.index}  ${n.validatorId}\n      http ${n.http}   p2p ${n.multiaddr}`)
  print(`  faucet account ${info.faucetAddress} (key: ${info.faucetKeyFile})`)
  if (info.appUrl) print(`\n  Open the app: ${info.appUrl}\n`)
  print('Ctrl-C stops the network; its data stays in the directory.')
  return {
    info,
    children,
    async stop() {
      stopping = true
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((res) => {
              if (c.exitCode !== null || c.signalCode !== null) return res()
              c.once('exit', () => res())
              c.kill('SIGTERM')
              setTimeout(() => c.kill('SIGKILL'), 5000).unref()
            }),
        ),
      )
    },
  }
}
