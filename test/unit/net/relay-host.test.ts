/**
 * The relay host: persistent identity, bootstrap redial, events and connection limits, on 127.0.0.1.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { describe, expect, test } from 'vitest'
import { createRelayHost, loadOrCreatePeerKey } from '../../../src/net/index.node.js'
import { networkId, onCleanup, startHost, str, until } from './helpers.js'

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'watt-net-'))
  onCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const portOf = (addr: string): number => Number(/\/tcp\/(\d+)\//.exec(addr)?.[1])

describe('relay host', () => {
  test('a persisted peer key gives the same PeerId after a restart', async () => {
    const dir = await tempDir()
    const peerKeyPath = join(dir, 'keys', 'peer.key')
    const first = await createRelayHost({ networkId, peerKeyPath })
    const id = str(first.peerId)
    await first.stop()
    expect((await stat(peerKeyPath)).mode & 0o777).toBe(0o600)
    const second = await startHost({ peerKeyPath })
    expect(str(second.peerId)).toBe(id)
    expect(second.multiaddrs()[0]!.toString()).toMatch(
      new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${id}$`),
    )
    // The same file loaded directly yields the same key.
    expect((await loadOrCreatePeerKey(peerKeyPath)).publicKey.toString()).toBe(
      second.peerId.publicKey!.toString(),
    )
  })

  test('a corrupt key file is refused, never replaced', async () => {
    const dir = await tempDir()
    const peerKeyPath = join(dir, 'peer.key')
    await writeFile(peerKeyPath, 'not a key')
    const err = await createRelayHost({ networkId, peerKeyPath }).catch((e: Error) => e)
    expect((err as Error).name).toBe('InvalidKeyFileError')
    expect(await readFile(peerKeyPath, 'utf8')).toBe('not a key')
  })

  test('bootstrap peers are dialled at start and redialled after they drop', async () => {
    const dir = await tempDir()
    const peerKeyPath = join(dir, 'b.key')
    let b = await createRelayHost({ networkId, peerKeyPath })
    const bAddr = b.multiaddrs()[0]!.toString()
    const a = await startHost({ bootstrap: [bAddr], redial: { minMs: 50, maxMs: 200 } })
    const events: string[] = []
    a.events.addEventListener('peer:connect', (e) => events.push(`connect ${str(e.detail)}`))
    a.events.addEventListener('peer:disconnect', (e) => events.push(`disconnect ${str(e.detail)}`))
    await until(() => a.connections().bootstrapConnected === 1, 5_000, 'bootstrap connection')
    expect(a.connections()).toMatchObject({ bootstrapTotal: 1, peers: 1, outbound: 1, inbound: 0 })

    // B goes away; A keeps trying; B comes back on the same port with the same key.
    await b.stop()
    await until(() => a.connections().bootstrapConnected === 0, 5_000, 'disconnect noticed')
    await new Promise((r) => setTimeout(r, 300))
    b = await createRelayHost({ networkId, peerKeyPath, port: portOf(bAddr) })
    onCleanup(() => b.stop())
    await until(() => a.connections().bootstrapConnected === 1, 5_000, 'redial')
    // (The first connect may precede the listeners: the host dials during start.)
    expect(events.slice(-2)).toEqual([`disconnect ${str(b.peerId)}`, `connect ${str(b.peerId)}`])
  })

  test('a bootstrap address without /p2p/<id> is a configuration error', async () => {
    const err = await createRelayHost({ networkId, bootstrap: ['/ip4/127.0.0.1/tcp/1/ws'] }).catch(
      (e: Error) => e,
    )
    expect((err as Error).name).toBe('RangeError')
  })

  test('inbound connections over maxConnections are refused; the host keeps serving', async () => {
    const b = await startHost({ connections: { maxConnections: 2 } })
    await b.reqresp.handle(b.protocols.ledger, async (r) => r)
    const clients = await Promise.all([0, 1, 2].map(() => startHost()))
    const outcomes: string[] = []
    for (const c of clients) {
      outcomes.push(
        await c.libp2p
          .dial(b.multiaddrs()[0]!, { signal: AbortSignal.timeout(3_000) })
          .then(async (conn) => {
            // A refused connection is closed right after the handshake: let that happen.
            await new Promise((r) => setTimeout(r, 200))
            return conn.status === 'open' ? 'open' : 'closed'
          })
          .catch(() => 'refused'),
      )
    }
    expect(outcomes.slice(0, 2)).toEqual(['open', 'open'])
    expect(outcomes[2]).not.toBe('open')
    expect(b.connections().connections).toBe(2)
    const res = await clients[0]!.reqresp.request(b.peerId, b.protocols.ledger, Uint8Array.of(1))
    expect([...res]).toEqual([1])
  })

  test('events report peer connect and disconnect', async () => {
    const a = await startHost()
    const b = await startHost()
    const seen: [string, PeerId][] = []
    b.events.addEventListener('peer:connect', (e) => seen.push(['connect', e.detail]))
    b.events.addEventListener('peer:disconnect', (e) => seen.push(['disconnect', e.detail]))
    await a.libp2p.dial(b.multiaddrs()[0]!)
    await until(() => seen.length === 1)
    await a.libp2p.hangUp(b.peerId)
    await until(() => seen.length === 2)
    expect(seen.map(([k, p]) => `${k} ${str(p)}`)).toEqual([
      `connect ${str(a.peerId)}`,
      `disconnect ${str(a.peerId)}`,
    ])
  })
})
