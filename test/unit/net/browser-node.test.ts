/**
 * The browser node factory, run in Node: it dials a relay host over ws on 127.0.0.1, gets a circuit
 * relay reservation, and makes requests; the gater keeps libp2p's browser rule unless told otherwise.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, test } from 'vitest'
import { browserDialFilter, createBrowserNode } from '../../../src/net/index.js'
import { networkId, onCleanup, startHost, str, until } from './helpers.js'

async function startBrowser(init: Partial<Parameters<typeof createBrowserNode>[0]> = {}) {
  const node = await createBrowserNode({ networkId, ...init })
  onCleanup(() => node.stop())
  return node
}

describe('browser node', () => {
  test('connects to a relay host over ws, reserves a circuit slot and makes a light request', async () => {
    const relay = await startHost()
    await relay.reqresp.handle(relay.protocols.light, async (req, peer) =>
      new TextEncoder().encode(`${str(peer)}:${req.length}`),
    )
    const browser = await startBrowser({ allowInsecureLocal: true })
    const relayId = await browser.connect(relay.multiaddrs()[0]!.toString())
    expect(str(relayId)).toBe(str(relay.peerId))

    const res = await browser.reqresp.request(relayId, browser.protocols.light, new Uint8Array(5))
    expect(new TextDecoder().decode(res)).toBe(`${str(browser.peerId)}:5`)

    // The relay's circuit v2 server grants a reservation: the browser becomes dialable through it.
    await until(() => relay.connections().reservations === 1, 8_000, 'reservation')
    await until(
      () => browser.multiaddrs().some((a) => a.toString().includes(`/p2p/${str(relay.peerId)}/p2p-circuit`)),
      8_000,
      'circuit address',
    )
    expect(relay.connections()).toMatchObject({ peers: 1, inbound: 1 })
    expect(browser.connections()).toMatchObject({ peers: 1, outbound: 1 })
  })

  test('dials the relays given at start', async () => {
    const relay = await startHost()
    const browser = await startBrowser({
      allowInsecureLocal: true,
      relays: [relay.multiaddrs()[0]!.toString()],
    })
    await until(() => browser.connections().peers === 1, 5_000, 'relay connection')
  })

  test('without allowInsecureLocal it refuses ws:// and private addresses, like libp2p in a browser', async () => {
    const relay = await startHost()
    const browser = await startBrowser({ listen: false })
    const err = await browser.connect(relay.multiaddrs()[0]!).catch((e: Error) => e)
    expect((err as Error).name).toBe('DialDeniedError')
    const deny = browserDialFilter(false)
    expect(deny(multiaddr('/ip4/127.0.0.1/tcp/1/ws'))).toBe(true)
    expect(deny(multiaddr('/ip4/10.0.0.1/tcp/443/wss'))).toBe(true)
    expect(deny(multiaddr('/ip4/8.8.8.8/tcp/80/ws'))).toBe(true)
    expect(deny(multiaddr('/ip4/8.8.8.8/tcp/443/wss'))).toBe(false)
    expect(deny(multiaddr('/dns4/relay.example.org/tcp/443/wss'))).toBe(false)
    expect(browserDialFilter(true)(multiaddr('/ip4/127.0.0.1/tcp/1/ws'))).toBe(false)
  })
})
