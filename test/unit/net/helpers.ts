/** Helpers for the network tests: relay hosts on 127.0.0.1 that are always stopped after a test. */
import type { PeerId } from '@libp2p/interface'
import { afterEach } from 'vitest'
import { networkIdOf } from '../../../src/core/codec/index.js'
import type { LogFields, LoggerFactory } from '../../../src/net/index.js'
import { createRelayHost, type RelayHost, type RelayHostInit } from '../../../src/net/index.node.js'

export const networkId = networkIdOf('Watt net tests ; 2026')

/** Everything a test started, stopped in afterEach (in reverse order). */
const cleanups: (() => Promise<void>)[] = []
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn)
}
afterEach(async () => {
  const fns = cleanups.splice(0).reverse()
  for (const fn of fns) await fn().catch(() => {})
})

export async function startHost(init: Partial<RelayHostInit> = {}): Promise<RelayHost> {
  const host = await createRelayHost({ networkId, ...init })
  onCleanup(() => host.stop())
  return host
}

/** Connect `a` to `b` and wait until both see the connection. */
export async function connect(a: RelayHost, b: RelayHost): Promise<void> {
  await a.libp2p.dial(b.multiaddrs()[0]!)
  await until(() => b.libp2p.getConnections(a.peerId).length > 0)
}

/** Poll `cond` every 20 ms until it holds, or fail after `ms`. */
export async function until(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A logger that records entries, to assert that a host logged (and did not crash). */
export function recordingLogger(): {
  log: LoggerFactory
  entries: { ns: string; level: string; msg: string; fields?: LogFields }[]
} {
  const entries: { ns: string; level: string; msg: string; fields?: LogFields }[] = []
  const log: LoggerFactory = (ns) => {
    const at = (level: string) => (msg: string, fields?: LogFields) => {
      entries.push({ ns, level, msg, ...(fields ? { fields } : {}) })
    }
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  }
  return { log, entries }
}

export const str = (p: PeerId): string => p.toString()
export const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs)
