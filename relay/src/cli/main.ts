/**
 * The `watt-relay` command line. Every command has `--help`. Node commands (init, run, status, quorum,
 * devnet) and a wallet for scripts (keys, account, pay, checkin, circle, balance, tx). Errors print one
 * clear line (and exit 1); nothing secret is ever printed except by `keys new --show-secret`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { accountAddress, parseAccountAddress, validatorId } from '../../../src/core/crypto/strkey.js'
import { formatWatt, parseWatt } from '../../../src/core/ledger/index.js'
import { checkQuorumIntersection, type QuorumSet } from '../../../src/core/scp/index.js'
import { loadOrCreatePeerKey } from '../../../src/net/index.node.js'
import { ConfigError, parseConfig } from '../config.js'
import { nodeEd25519 } from '../crypto/ed25519-node.js'
import { runDevnet } from '../devnet.js'
import { readSeedFile, writeSeedFile } from '../keys.js'
import { runRelay } from '../run.js'
import { createLogger } from '../util/log.js'
import { api, type StatusJson, Wallet, waitForTx } from './wallet.js'

const out = (s: string) => process.stdout.write(`${s}\n`)
const err = (s: string) => process.stderr.write(`${s}\n`)

class UsageError extends Error {
  override readonly name = 'UsageError'
}

interface Command {
  summary: string
  usage: string
  options: Record<
    string,
    {
      type: 'string' | 'boolean'
      short?: string
      default?: string | boolean
      multiple?: boolean
      help: string
    }
  >
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>
}

const NODE_OPT = {
  type: 'string' as const,
  help: 'relay HTTP API (default: $WATT_NODE or http://127.0.0.1:11626)',
}
const KEY_OPT = { type: 'string' as const, help: 'your secret key file (default: $WATT_KEY)' }
const JSON_OPT = { type: 'boolean' as const, help: 'print JSON' }

const node = (v: Record<string, unknown>) =>
  (v.node as string | undefined) ?? process.env.WATT_NODE ?? 'http://127.0.0.1:11626'
function keyFile(v: Record<string, unknown>): string {
  const k = (v.key as string | undefined) ?? process.env.WATT_KEY
  if (!k)
    throw new UsageError(
      'no key: pass --key <file> or set WATT_KEY (create one with `watt-relay keys new --out <file>`)',
    )
  return k
}
const wallet = (v: Record<string, unknown>) => new Wallet(node(v), readSeedFile(keyFile(v)))

async function applied(
  v: Record<string, unknown>,
  r: { hash: string; status: string },
  what: string,
): Promise<number> {
  if (v.wait === false) {
    out(`${what}: submitted ${r.hash} (${r.status})`)
    return 0
  }
  const res = await waitForTx(node(v), r.hash)
  if (res.status === 'applied') {
    out(`${what}: applied in ledger ${res.ledger} (${r.hash})`)
    return 0
  }
  err(`${what}: failed in ledger ${res.ledger}: ${res.result.code} ${res.result.opResults.join(', ')}`)
  return 1
}

const WAIT_OPT = {
  type: 'boolean' as const,
  default: true,
  help: 'wait until the transaction is in a ledger (--no-wait: return at once)',
}

const commands: Record<string, Command> = {
  init: {
    summary: 'create keys and a config file for a validator',
    usage:
      'watt-relay init --dir <dir> (--genesis <file> | --new-network <passphrase>) [--peer <multiaddr>]... [--validator <V…>]... [--threshold <n>]',
    options: {
      dir: { type: 'string', default: '.', help: 'directory for keys, config and data' },
      genesis: { type: 'string', help: 'join the network of this genesis file (copied into the directory)' },
      'new-network': {
        type: 'string',
        help: 'start a new network with this passphrase and this validator alone in it',
      },
      peer: {
        type: 'string',
        multiple: true,
        help: 'a peer to connect to (/ip4/…/tcp/…/ws/p2p/…), repeatable',
      },
      validator: { type: 'string', multiple: true, help: 'another validator to trust (V…), repeatable' },
      threshold: { type: 'string', help: 'quorum threshold (default: a BFT majority of the validators)' },
      'http-port': { type: 'string', default: '11626', help: 'HTTP API port' },
      'p2p-port': { type: 'string', default: '11625', help: 'libp2p WebSocket port' },
    },
    async run(v) {
      const dir = resolve(v.dir as string)
      mkdirSync(dir, { recursive: true })
      if (existsSync(join(dir, 'config.json')))
        throw new UsageError(`${join(dir, 'config.json')} exists: init does not overwrite`)
      const seed = writeSeedFile(join(dir, 'validator.key'))
      const self = validatorId(nodeEd25519.publicKeySync(seed))
      const peerKey = await loadOrCreatePeerKey(join(dir, 'peer.key'))
      let network: string
      if (v['new-network']) {
        network = v['new-network'] as string
        const team = writeSeedFile(join(dir, 'team.key'))
        writeFileSync(
          join(dir, 'genesis.json'),
          JSON.stringify(
            {
              networkPassphrase: network,
              genesisTime: Math.floor(Date.now() / 1000),
              validators: [{ id: self, name: 'genesis validator' }],
              teamAccount: accountAddress(nodeEd25519.publicKeySync(team)),
            },
            null,
            2,
          ),
        )
      } else if (v.genesis) {
        const g = JSON.parse(readFileSync(v.genesis as string, 'utf8')) as { networkPassphrase: string }
        network = g.networkPassphrase
        writeFileSync(join(dir, 'genesis.json'), JSON.stringify(g, null, 2))
      } else
        throw new UsageError(
          'pass --genesis <file> to join a network, or --new-network <passphrase> to start one',
        )
      const validators = [self, ...((v.validator as string[] | undefined) ?? [])]
      const n = validators.length
      const threshold = v.threshold ? Number(v.threshold) : n - Math.floor((n - 1) / 3)
      const config = {
        network,
        genesis: 'genesis.json',
        keyFile: 'validator.key',
        peerKeyFile: 'peer.key',
        dataDir: 'data',
        validator: true,
        quorumSet: { threshold, validators, innerSets: [] },
        p2p: {
          host: '0.0.0.0',
          port: Number(v['p2p-port']),
          announce: [],
          peers: (v.peer as string[] | undefined) ?? [],
        },
        http: { host: '127.0.0.1', port: Number(v['http-port']) },
        closeTimeMs: 5000,
      }
      parseConfig(config, join(dir, 'config.json'), self)
      writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`)
      out(`validator id  ${self}`)
      out(`peer id       ${peerIdFromPrivateKey(peerKey).toString()}`)
      out(`config        ${join(dir, 'config.json')}`)
      out(`Start it with: watt-relay run --config ${join(dir, 'config.json')}`)
      return 0
    },
  },
  run: {
    summary: 'run a validator',
    usage: 'watt-relay run --config <file>',
    options: {
      config: { type: 'string', default: 'config.json', help: 'the config file (see docs/operators.md)' },
    },
    async run(v) {
      const path = resolve(v.config as string)
      if (!existsSync(path)) throw new UsageError(`no config at ${path} (create one with watt-relay init)`)
      let doc: unknown
      try {
        doc = JSON.parse(readFileSync(path, 'utf8'))
      } catch (e) {
        throw new ConfigError('(file)', `${path} is not valid JSON: ${(e as Error).message}`)
      }
      const pre = parseConfig(doc, path)
      const self = existsSync(pre.keyFile)
        ? validatorId(nodeEd25519.publicKeySync(readSeedFile(pre.keyFile)))
        : undefined
      const config = parseConfig(doc, path, self)
      const log = createLogger('relay')
      const relay = await runRelay(config, log)
      await new Promise<void>((res) => {
        const stop = (sig: string) => {
          log.info('stopping', { signal: sig })
          relay.stop().then(res, res)
        }
        process.once('SIGINT', () => stop('SIGINT'))
        process.once('SIGTERM', () => stop('SIGTERM'))
      })
      return 0
    },
  },
  status: {
    summary: "a node's ledger, sync state and quorum health",
    usage: 'watt-relay status [--node <url>] [--json]',
    options: { node: NODE_OPT, json: JSON_OPT },
    async run(v) {
      const st = await api<StatusJson>(node(v), '/v1/status')
      if (v.json) {
        out(JSON.stringify(st, null, 2))
        return 0
      }
      out(`network   ${st.network}`)
      out(`node      ${st.nodeId as string}`)
      out(`ledger    ${st.ledger.seq}  ${st.ledger.hash.slice(0, 16)}…  day ${st.ledger.day}`)
      out(`synced    ${st.synced ? 'yes' : `no — ${st.reason}`}`)
      out(
        `quorum    ${st.quorum.canCloseLedgers ? 'a slice is reachable' : 'NOT enough validators reachable'}; fail at ${st.quorum.failAt} more`,
      )
      if (st.quorum.missing.length) out(`missing   ${st.quorum.missing.join('\n          ')}`)
      if (st.quorum.disagree.length) out(`disagree  ${st.quorum.disagree.join('\n          ')}`)
      return st.synced ? 0 : 2
    },
  },
  quorum: {
    summary: 'quorum health and the quorum-intersection check over the validators this node knows',
    usage: 'watt-relay quorum [--node <url>] [--json]',
    options: { node: NODE_OPT, json: JSON_OPT },
    async run(v) {
      const st = await api<StatusJson>(node(v), '/v1/status')
      const { validators } = await api<{ validators: { id: string; quorumSet: QuorumSet }[] }>(
        node(v),
        '/v1/validators',
      )
      const network = new Map(validators.map((x) => [x.id, x.quorumSet]))
      const r = checkQuorumIntersection(network)
      if (v.json) {
        out(JSON.stringify({ health: st.quorum, intersection: r }, null, 2))
        return r.intersects === true ? 0 : 2
      }
      out(`known validators  ${validators.length}`)
      out(`reachable slice   ${st.quorum.canCloseLedgers ? 'yes' : 'no'}; fail at ${st.quorum.failAt} more`)
      if (r.intersects === true)
        out('intersection      every two quorums intersect (the network cannot split)')
      else if (r.intersects === false) {
        out('intersection      NO: two disjoint quorums exist, the network can split:')
        out(`  ${r.quorums[0].join(', ')}`)
        out(`  ${r.quorums[1].join(', ')}`)
      } else out(`intersection      unknown: ${r.reason}`)
      return r.intersects === true ? 0 : 2
    },
  },
  devnet: {
    summary: 'run a local network of validator processes on loopback',
    usage:
      'watt-relay devnet [--validators 4] [--dir .watt/devnet] [--close-ms 1000] [--day-length 300] [--app <dir>] [--fresh]',
    options: {
      validators: { type: 'string', default: '4', help: 'number of validators (threshold: a BFT majority)' },
      dir: { type: 'string', default: '.watt/devnet', help: 'where keys, configs and databases live' },
      'close-ms': { type: 'string', default: '1000', help: 'target time between ledgers, ms' },
      'day-length': { type: 'string', default: '300', help: 'length of a mining day, seconds' },
      app: { type: 'string', help: 'serve this built PWA directory from the first validator' },
      'base-port': {
        type: 'string',
        default: '0',
        help: 'first HTTP port (p2p ports are +100); 0 picks free ports',
      },
      fresh: { type: 'boolean', default: false, help: 'delete the directory and start a new network' },
      verbose: { type: 'boolean', default: false, help: "copy the validators' logs to this terminal" },
    },
    async run(v) {
      const n = Number(v.validators)
      if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError('--validators must be 1..32')
      const dn = await runDevnet(
        {
          validators: n,
          dir: v.dir as string,
          closeTimeMs: Number(v['close-ms']),
          dayLength: Number(v['day-length']),
          ...(v.app ? { appDir: v.app as string } : {}),
          fresh: v.fresh === true,
          verbose: v.verbose === true,
          basePort: Number(v['base-port']),
          host: '127.0.0.1',
        },
        out,
      )
      await new Promise<void>((res) => {
        process.once('SIGINT', () => res())
        process.once('SIGTERM', () => res())
      })
      await dn.stop()
      return 0
    },
  },
  'keys new': {
    summary: 'create a secret key file and print its account address',
    usage: 'watt-relay keys new --out <file> [--show-secret]',
    options: {
      out: { type: 'string', help: 'where to write the key (mode 0600); refuses to overwrite' },
      'show-secret': { type: 'boolean', default: false, help: 'also print the secret seed (S…)' },
    },
    async run(v) {
      if (!v.out) throw new UsageError('pass --out <file>')
      const seed = writeSeedFile(resolve(v.out as string))
      const pk = nodeEd25519.publicKeySync(seed)
      out(`account    ${accountAddress(pk)}`)
      out(`validator  ${validatorId(pk)} (the same key as a validator id)`)
      out(`key file   ${resolve(v.out as string)}`)
      if (v['show-secret']) out(`secret     ${readFileSync(resolve(v.out as string), 'utf8').trim()}`)
      return 0
    },
  },
  'account create': {
    summary: 'create your account (free; solves the account puzzle)',
    usage: 'watt-relay account create --key <file> [--referrer <W…>] [--node <url>]',
    options: {
      key: KEY_OPT,
      node: NODE_OPT,
      referrer: { type: 'string', help: 'the account that invited you' },
      wait: WAIT_OPT,
    },
    async run(v) {
      const w = wallet(v)
      if (v.referrer) parseAccountAddress(v.referrer as string)
      const r = await w.createAccount(v.referrer as string | undefined)
      return applied(v, r, `account ${w.address}`)
    },
  },
  pay: {
    summary: 'send WATT',
    usage: 'watt-relay pay --key <file> --to <W…> --amount <WATT> [--fee <WATT>] [--memo <text>]',
    options: {
      key: KEY_OPT,
      node: NODE_OPT,
      to: { type: 'string', help: 'destination account (W…)' },
      amount: { type: 'string', help: 'amount in WATT, e.g. 12.5' },
      fee: { type: 'string', default: '0', help: 'fee in WATT (optional; helps when ledgers are full)' },
      memo: { type: 'string', help: 'a note of up to 64 bytes' },
      wait: WAIT_OPT,
    },
    async run(v) {
      if (!v.to || !v.amount) throw new UsageError('pass --to <W…> and --amount <WATT>')
      const destination = parseAccountAddress(v.to as string)
      const amount = parseWatt(v.amount as string)
      if (amount <= 0n) throw new UsageError('--amount must be positive')
      const r = await wallet(v).submit([{ type: 'payment', destination, amount }], {
        fee: parseWatt(v.fee as string),
        ...(v.memo ? { memo: v.memo as string } : {}),
      })
      return applied(v, r, `payment of ${formatWatt(amount)} WATT`)
    },
  },
  checkin: {
    summary: 'the daily check-in (solves the puzzle, then submits)',
    usage: 'watt-relay checkin --key <file> [--node <url>]',
    options: { key: KEY_OPT, node: NODE_OPT, wait: WAIT_OPT },
    async run(v) {
      const r = await wallet(v).checkIn()
      return applied(v, r, 'check-in')
    },
  },
  'circle set': {
    summary: 'set your security circle (up to 5 accounts you trust; none clears it)',
    usage: 'watt-relay circle set --key <file> [<W…> ...]',
    options: { key: KEY_OPT, node: NODE_OPT, wait: WAIT_OPT },
    async run(v, pos) {
      if (pos.length > 5) throw new UsageError('a security circle has at most 5 members')
      const members = pos.map((a) => parseAccountAddress(a))
      const r = await wallet(v).submit([{ type: 'setSecurityCircle', members }])
      return applied(v, r, `security circle of ${members.length}`)
    },
  },
  balance: {
    summary: 'show an account',
    usage: 'watt-relay balance <W…> [--node <url>] [--json]   (or --key <file> for your own)',
    options: { node: NODE_OPT, key: KEY_OPT, json: JSON_OPT },
    async run(v, pos) {
      const address = pos[0] ?? accountAddress(nodeEd25519.publicKeySync(readSeedFile(keyFile(v))))
      parseAccountAddress(address)
      const a = await api<Record<string, unknown>>(node(v), `/v1/accounts/${address}`)
      if (v.json) out(JSON.stringify(a, null, 2))
      else {
        out(`${address}`)
        out(
          `balance   ${a.balance as string} WATT (sequence ${a.seq as string}, ledger ${a.asOfLedger as string})`,
        )
        const c = a.checkIns as { total: number; streak: number; lastDay: string | null }
        out(`check-ins ${c.total} (streak ${c.streak}${c.lastDay ? `, last on day ${c.lastDay}` : ''})`)
      }
      return 0
    },
  },
  'tx status': {
    summary: "show a transaction's status",
    usage: 'watt-relay tx status <hash> [--node <url>] [--json]',
    options: { node: NODE_OPT, json: JSON_OPT },
    async run(v, pos) {
      const hash = pos[0]
      if (!hash || !/^[0-9a-fA-F]{64}$/.test(hash))
        throw new UsageError('pass the transaction hash (64 hex digits)')
      try {
        const r = await api<{
          status: string
          ledger?: string
          result?: { code: string; opResults: string[] }
        }>(node(v), `/v1/transactions/${hash}`)
        if (v.json) out(JSON.stringify(r, null, 2))
        else
          out(
            `${r.status}${r.ledger ? ` in ledger ${r.ledger}` : ''}${r.result ? `: ${r.result.code} ${r.result.opResults.join(', ')}` : ''}`,
          )
        return r.status === 'failed' ? 1 : 0
      } catch (e) {
        if ((e as { status?: number }).status === 404) {
          out('unknown: not in any ledger and not pending on this node')
          return 1
        }
        throw e
      }
    },
  },
}

function helpOf(name: string, c: Command): string {
  const lines = [`watt-relay ${name} — ${c.summary}`, '', `usage: ${c.usage}`, '', 'options:']
  for (const [k, o] of Object.entries(c.options))
    lines.push(`  --${k}${o.type === 'string' ? ' <value>' : ''}`.padEnd(26) + o.help)
  lines.push('  --help'.padEnd(26) + 'this help')
  return lines.join('\n')
}

function mainHelp(): string {
  const lines = [
    'watt-relay — run a Watt Network validator, a local devnet, or a wallet for scripts',
    '',
    'usage: watt-relay <command> [options]    (watt-relay <command> --help for details)',
    '',
  ]
  for (const [k, c] of Object.entries(commands)) lines.push(`  ${k.padEnd(16)}${c.summary}`)
  lines.push('', 'Docs: docs/operators.md (running a validator), docs/protocol.md (the rules).')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [a, b] = argv
  if (!a || a === '--help' || a === '-h' || a === 'help') {
    out(mainHelp())
    return 0
  }
  const two = b ? `${a} ${b}` : ''
  const name = two in commands ? two : a
  const c = commands[name]
  if (!c) {
    const group = Object.keys(commands).filter((k) => k.startsWith(`${a} `))
    err(
      group.length
        ? `watt-relay ${a}: expected one of: ${group.map((g) => g.split(' ')[1]).join(', ')}`
        : `watt-relay: unknown command "${a}" (see watt-relay --help)`,
    )
    return 1
  }
  const rest = argv.slice(name.split(' ').length)
  if (rest.includes('--help') || rest.includes('-h')) {
    out(helpOf(name, c))
    return 0
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(c.options).map(([k, o]) => [
          k,
          {
            type: o.type,
            ...(o.short ? { short: o.short } : {}),
            ...(o.default !== undefined ? { default: o.default } : {}),
            ...(o.multiple ? { multiple: true } : {}),
          },
        ]),
      ) as NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    } as NonNullable<Parameters<typeof parseArgs>[0]>)
    return await c.run(values as Record<string, string | boolean | string[] | undefined>, positionals)
  } catch (e) {
    const error = e as Error & { code?: string }
    if (error.name === 'UsageError' || error.code?.startsWith('ERR_PARSE_ARGS')) {
      err(`watt-relay ${name}: ${error.message}`)
      err(`usage: ${c.usage}`)
      return 1
    }
    if (
      [
        'ConfigError',
        'GenesisError',
        'KeyFileError',
        'ApiError',
        'InvalidStrKeyError',
        'StateRestoreError',
        'GenesisMismatchError',
      ].includes(error.name)
    ) {
      err(`watt-relay ${name}: ${error.message}`)
      return 1
    }
    if (error instanceof RangeError) {
      err(`watt-relay ${name}: ${error.message}`)
      return 1
    }
    throw e
  }
}
