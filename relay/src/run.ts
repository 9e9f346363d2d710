/**
 * `watt-relay run`: assemble a validator from its config — keys, SQLite store, ledger state (genesis
 * or restored), libp2p host, validator, light-client service, HTTP API and metrics — and run it until
 * stopped. Everything is torn down in reverse order on stop (SIGINT/SIGTERM in the CLI).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { toHex } from '../../src/core/codec/bytes.js'
import { networkIdOf } from '../../src/core/codec/signing.js'
import { inlineBatchVerifier } from '../../src/core/crypto/batch.js'
import { type GenesisConfig, parseGenesis } from '../../src/core/ledger/index.js'
import { createRelayHost, loadOrCreatePeerKey } from '../../src/net/index.node.js'
import { wasmArgon2id } from '../../src/platform/argon2.js'
import { LightService } from './api/light-service.js'
import { ConfigError, type RelayConfig } from './config.js'
import { nodeEd25519 } from './crypto/ed25519-node.js'
import { createRelaySha256 } from './crypto/sha256.js'
import { Metrics } from './http/metrics.js'
import { startHttp } from './http/server.js'
import { readSeedFile } from './keys.js'
import { openState } from './node/open-state.js'
import { Validator } from './node/validator.js'

export { openState }

import { P2pNetwork } from './p2p/network.js'
import { SqliteStore } from './store/sqlite.js'
import type { Logger } from './util/log.js'

export interface RunningRelay {
  validator: Validator
  light: LightService
  httpPort: number
  multiaddrs: string[]
  peerId: string
  stop(): Promise<void>
}

export function loadGenesis(path: string): GenesisConfig {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError('genesis', `${path}: ${(err as Error).message}`)
  }
  return parseGenesis(doc)
}

export async function runRelay(config: RelayConfig, log: Logger): Promise<RunningRelay> {
  const seed = readSeedFile(config.keyFile)
  const genesis = loadGenesis(config.genesis)
  if (genesis.networkPassphrase !== config.network) {
    throw new ConfigError(
      'network',
      `"${config.network}" does not match the genesis passphrase "${genesis.networkPassphrase}"`,
    )
  }
  const networkId = networkIdOf(config.network)
  mkdirSync(config.dataDir, { recursive: true })
  const store = new SqliteStore(join(config.dataDir, 'ledger.sqlite'))
  const hasher = await createRelaySha256()
  const state = openState(store, genesis, hasher, log)
  const peerKey = await loadOrCreatePeerKey(config.peerKeyFile)
  const host = await createRelayHost({
    networkId,
    host: config.p2p.host,
    port: config.p2p.port,
    announce: config.p2p.announce,
    privateKey: peerKey,
    bootstrap: config.p2p.peers,
    // A devnet runs many validators on one address; elsewhere loopback must not escape the limits
    // (behind a reverse proxy every browser would arrive from 127.0.0.1).
    ...(config.p2p.allowLocal ? { connections: { allow: ['/ip4/127.0.0.0/ipcidr/8'] } } : {}),
    log: (ns) => log.child(ns),
  })
  const network = new P2pNetwork(host, log.child('p2p'))
  const validator = new Validator({
    networkPassphrase: config.network,
    seed,
    quorumSet: config.quorumSet,
    isValidator: config.validator,
    state,
    store,
    network,
    clock: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    ed25519: nodeEd25519,
    verifier: inlineBatchVerifier(nodeEd25519),
    argon2id: wasmArgon2id,
    log: log.child('node'),
    closeTimeMs: config.closeTimeMs,
    checkInvariants: config.checkInvariants,
    upgrades: config.upgrades,
  })
  const light = new LightService(validator)
  await network.attach(validator, light)

  const metrics = new Metrics()
  metrics.describe('watt_ledger_seq', 'gauge', 'Sequence number of the last closed ledger')
  metrics.gauge('watt_ledger_seq', () => Number(validator.state.header.seq))
  metrics.describe(
    'watt_ledger_close_time_seconds',
    'gauge',
    'Close time of the last closed ledger (Unix seconds)',
  )
  metrics.gauge('watt_ledger_close_time_seconds', () => Number(validator.state.header.value.closeTime))
  metrics.describe('watt_synced', 'gauge', '1 when the node is in sync with the network')
  metrics.gauge('watt_synced', () => (validator.status().synced ? 1 : 0))
  metrics.describe('watt_tx_queue', 'gauge', 'Transactions waiting to be included')
  metrics.gauge('watt_tx_queue', () => validator.queueSize)
  metrics.describe('watt_peers', 'gauge', 'Open libp2p connections')
  metrics.gauge('watt_peers', () => host.connections().peers)
  metrics.describe('watt_ledger_txs_total', 'counter', 'Transactions applied, by result code')
  metrics.describe('watt_ledger_apply_seconds', 'summary', 'Time from externalize to the ledger being stored')
  validator.onLedger((r) => {
    for (const res of r.results) metrics.count('watt_ledger_txs_total', { code: res.code })
  })

  const multiaddrs = () => host.multiaddrs().map((m) => m.toString())
  const http = await startHttp({
    host: config.http.host,
    port: config.http.port,
    rateLimit: config.http.rateLimit,
    light,
    metrics,
    log: log.child('http'),
    ...(config.appDir ? { appDir: config.appDir } : {}),
    clientConfig: () => ({
      network: config.network,
      networkId: toHex(networkId),
      ...config.client,
      relays: [...multiaddrs(), ...((config.client.relays as string[] | undefined) ?? [])],
      validators: Array.from(new Set([validator.nodeId, ...config.quorumSet.validators])),
    }),
  })
  validator.start()
  const peerId = peerIdFromPrivateKey(peerKey).toString()
  log.info('relay running', {
    node: validator.nodeId,
    peer: peerId,
    http: `http://${config.http.host}:${http.port}`,
    p2p: multiaddrs()[0],
  })
  let stopped = false
  return {
    validator,
    light,
    httpPort: http.port,
    multiaddrs: multiaddrs(),
    peerId,
    async stop() {
      if (stopped) return
      stopped = true
      validator.stop()
      await http.close()
      await validator.idle()
      await host.stop()
      store.close()
    },
  }
}
