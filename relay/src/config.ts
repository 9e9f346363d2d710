/**
 * The relay's configuration file (JSON), validated at start with errors that name the field and say
 * what is wrong (docs/operators.md §Configuration).
 *
 * ```json
 * {
 *   "network": "Watt Devnet",
 *   "genesis": "genesis.json",
 *   "keyFile": "validator.key",
 *   "peerKeyFile": "peer.key",
 *   "dataDir": "data",
 *   "validator": true,
 *   "quorumSet": { "threshold": 3, "validators": ["V…", "V…", "V…", "V…"], "innerSets": [] },
 *   "p2p": { "host": "0.0.0.0", "port": 11625, "announce": [], "peers": ["/ip4/…/tcp/11625/ws/p2p/12D3…"] },
 *   "http": { "host": "127.0.0.1", "port": 11626 },
 *   "closeTimeMs": 5000
 * }
 * ```
 * Relative paths are relative to the config file.
 */
import { dirname, isAbsolute, resolve } from 'node:path'
import { parseValidatorId } from '../../src/core/crypto/strkey.js'
import { PARAM_NAMES, type ParamName, UPGRADE_RANGES } from '../../src/core/ledger/index.js'
import { isQuorumSetSane, type QuorumSet } from '../../src/core/scp/index.js'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`config ${field}: ${problem}`)
  }
}

export interface RelayConfig {
  /** Where the file was read from: relative paths resolve against its directory. */
  path: string
  network: string
  genesis: string
  keyFile: string
  peerKeyFile: string
  dataDir: string
  validator: boolean
  quorumSet: QuorumSet
  unsafeQuorum: boolean
  /** allowLocal: exempt loopback peers from connection limits (a devnet on one machine; never behind a proxy). */
  p2p: { host: string; port: number; announce: string[]; peers: string[]; allowLocal: boolean }
  /** rateLimit: requests per second per client address (default 50; docs/limits.md). */
  http: { host: string; port: number; rateLimit: number }
  closeTimeMs: number
  appDir: string | undefined
  upgrades: { param: ParamName; value: bigint }[]
  checkInvariants: boolean
  /** Extra data for the PWA's /config.json (e.g. other relays to connect to). */
  client: Record<string, unknown>
}

const KEYS = [
  'network',
  'genesis',
  'keyFile',
  'peerKeyFile',
  'dataDir',
  'validator',
  'quorumSet',
  'unsafeQuorum',
  'p2p',
  'http',
  'closeTimeMs',
  'appDir',
  'upgrades',
  'checkInvariants',
  'client',
]

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function str(doc: Record<string, unknown>, field: string, fallback?: string): string {
  const v = doc[field] ?? fallback
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(field, 'expected a non-empty string')
  return v
}

function port(v: unknown, field: string, fallback: number): number {
  const p = v ?? fallback
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535)
    throw new ConfigError(field, 'expected a port number 0..65535')
  return p
}

function quorumSetOf(v: unknown, field: string, depth = 0): QuorumSet {
  if (!isRecord(v)) throw new ConfigError(field, 'expected { threshold, validators, innerSets }')
  for (const k of Object.keys(v))
    if (!['threshold', 'validators', 'innerSets'].includes(k))
      throw new ConfigError(`${field}.${k}`, 'unknown field')
  const threshold = v.threshold
  if (typeof threshold !== 'number' || !Number.isInteger(threshold))
    throw new ConfigError(`${field}.threshold`, 'expected an integer')
  const validators = v.validators ?? []
  if (!Array.isArray(validators))
    throw new ConfigError(`${field}.validators`, 'expected a list of validator ids (V…)')
  validators.forEach((id, i) => {
    if (typeof id !== 'string')
      throw new ConfigError(`${field}.validators[${i}]`, 'expected a validator id (V…)')
    try {
      parseValidatorId(id)
    } catch (err) {
      throw new ConfigError(`${field}.validators[${i}]`, (err as Error).message)
    }
  })
  const inner = v.innerSets ?? []
  if (!Array.isArray(inner)) throw new ConfigError(`${field}.innerSets`, 'expected a list of quorum sets')
  return {
    threshold,
    validators: validators as string[],
    innerSets: inner.map((q, i) => quorumSetOf(q, `${field}.innerSets[${i}]`, depth + 1)),
  }
}

function rateLimitOf(v: unknown): number {
  if (v === undefined) return 50
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100_000) {
    throw new ConfigError('http.rateLimit', 'expected requests per second per client, 1..100000')
  }
  return v
}

/** Validate a parsed config document. `selfId` is this node's validator id, if known, for the self-inclusion check. */
export function parseConfig(doc: unknown, path: string, selfId?: string): RelayConfig {
  if (!isRecord(doc)) throw new ConfigError('(root)', 'expected a JSON object')
  for (const k of Object.keys(doc)) if (!KEYS.includes(k)) throw new ConfigError(k, 'unknown field')
  const base = dirname(resolve(path))
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p))
  const validator = doc.validator ?? true
  if (typeof validator !== 'boolean') throw new ConfigError('validator', 'expected true or false')
  const unsafeQuorum = doc.unsafeQuorum ?? false
  if (typeof unsafeQuorum !== 'boolean') throw new ConfigError('unsafeQuorum', 'expected true or false')
  const quorumSet = quorumSetOf(doc.quorumSet, 'quorumSet')
  const sane = isQuorumSetSane(quorumSet, !unsafeQuorum)
  if (!sane.ok) {
    throw new ConfigError(
      'quorumSet',
      `${sane.reason}${unsafeQuorum ? '' : ' (a threshold under 51% lets two disjoint halves both close ledgers; set "unsafeQuorum": true only for experiments)'}`,
    )
  }
  if (selfId && validator) {
    const all = new Set<string>()
    const walk = (q: QuorumSet) => {
      for (const v of q.validators) all.add(v)
      q.innerSets.forEach(walk)
    }
    walk(quorumSet)
    if (!all.has(selfId))
      throw new ConfigError('quorumSet', `this validator (${selfId}) is not in its own quorum set`)
  }
  const p2p = doc.p2p ?? {}
  if (!isRecord(p2p)) throw new ConfigError('p2p', 'expected { host, port, announce, peers }')
  const peers = p2p.peers ?? []
  if (!Array.isArray(peers) || peers.some((p) => typeof p !== 'string' || !/\/p2p\/\w+$/.test(p))) {
    throw new ConfigError('p2p.peers', 'expected a list of multiaddrs ending in /p2p/<peer id>')
  }
  const announce = p2p.announce ?? []
  if (!Array.isArray(announce) || announce.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
    throw new ConfigError('p2p.announce', 'expected a list of multiaddrs')
  }
  const http = doc.http ?? {}
  if (!isRecord(http)) throw new ConfigError('http', 'expected { host, port }')
  const closeTimeMs = doc.closeTimeMs ?? 5000
  if (
    typeof closeTimeMs !== 'number' ||
    !Number.isInteger(closeTimeMs) ||
    closeTimeMs < 100 ||
    closeTimeMs > 60_000
  ) {
    throw new ConfigError('closeTimeMs', 'expected milliseconds between ledgers, 100..60000 (mainnet 5000)')
  }
  const upgradesDoc = doc.upgrades ?? []
  if (!Array.isArray(upgradesDoc)) throw new ConfigError('upgrades', 'expected a list of { param, value }')
  const upgrades = upgradesDoc.map((u, i) => {
    if (
      !isRecord(u) ||
      typeof u.param !== 'string' ||
      !(PARAM_NAMES as readonly string[]).includes(u.param)
    ) {
      throw new ConfigError(`upgrades[${i}].param`, `expected one of ${PARAM_NAMES.join(', ')}`)
    }
    const param = u.param as ParamName
    const value = typeof u.value === 'number' || typeof u.value === 'string' ? BigInt(u.value) : undefined
    const [lo, hi] = UPGRADE_RANGES[param]
    if (value === undefined || value < lo || value > hi)
      throw new ConfigError(`upgrades[${i}].value`, `expected ${lo}..${hi}`)
    return { param, value }
  })
  const appDir = doc.appDir
  if (appDir !== undefined && appDir !== null && typeof appDir !== 'string')
    throw new ConfigError('appDir', 'expected a directory path or null')
  const client = doc.client ?? {}
  if (!isRecord(client)) throw new ConfigError('client', 'expected an object')
  const checkInvariants = doc.checkInvariants ?? false
  if (typeof checkInvariants !== 'boolean') throw new ConfigError('checkInvariants', 'expected true or false')
  return {
    path: resolve(path),
    network: str(doc, 'network'),
    genesis: rel(str(doc, 'genesis')),
    keyFile: rel(str(doc, 'keyFile', 'validator.key')),
    peerKeyFile: rel(str(doc, 'peerKeyFile', 'peer.key')),
    dataDir: rel(str(doc, 'dataDir', 'data')),
    validator,
    quorumSet,
    unsafeQuorum,
    p2p: {
      host: typeof p2p.host === 'string' ? p2p.host : '0.0.0.0',
      port: port(p2p.port, 'p2p.port', 11625),
      announce: announce as string[],
      peers: peers as string[],
      allowLocal: p2p.allowLocal === true,
    },
    http: {
      host: typeof http.host === 'string' ? http.host : '127.0.0.1',
      port: port(http.port, 'http.port', 11626),
      rateLimit: rateLimitOf(http.rateLimit),
    },
    closeTimeMs,
    appDir: typeof appDir === 'string' ? rel(appDir) : undefined,
    upgrades,
    checkInvariants,
    client,
  }
}
