/**
 * Which network the app talks to: `/config.json` on the origin that served the app (a relay serving
 * the PWA writes it: network passphrase, network id, libp2p addresses of relays, validators), kept in
 * localStorage so the app opens offline with the last known network.
 */
export interface NetworkConfig {
  network: string
  networkId: string
  relays: string[]
  validators: string[]
  http: string[]
  devnet: boolean
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const STORAGE_KEY = 'watt:config'

const strings = (x: unknown): string[] =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []

export function parseConfig(x: unknown): NetworkConfig {
  const o = (x ?? {}) as Record<string, unknown>
  if (typeof o.network !== 'string' || !o.network)
    throw new ConfigError('config.json: expected "network" (the network passphrase)')
  if (typeof o.networkId !== 'string' || !/^[0-9a-f]{64}$/.test(o.networkId))
    throw new ConfigError('config.json: expected "networkId" (64 hex digits)')
  return {
    network: o.network,
    networkId: o.networkId,
    relays: strings(o.relays),
    validators: strings(o.validators),
    http: strings(o.http),
    devnet: o.devnet === true,
  }
}

export function cachedConfig(): NetworkConfig | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY)
    return text ? parseConfig(JSON.parse(text)) : undefined
  } catch {
    return undefined
  }
}

/** The network's config: fetched fresh when online, else the last one seen on this device. */
export async function loadConfig(
  signal?: AbortSignal,
): Promise<{ config: NetworkConfig; fromCache: boolean }> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store', ...(signal ? { signal } : {}) })
    if (!res.ok) throw new ConfigError(`config.json: HTTP ${res.status}`)
    const config = parseConfig(await res.json())
    localStorage.setItem(STORAGE_KEY, JSON.stringify(config))
    return { config, fromCache: false }
  } catch (err) {
    const cached = cachedConfig()
    if (cached) return { config: cached, fromCache: true }
    throw err instanceof ConfigError
      ? err
      : new ConfigError('Cannot reach the network, and this device has not connected to it before.')
  }
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
