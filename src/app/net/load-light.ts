/**
 * Load the light client (src/app/light) after first paint: it brings libp2p, most of the app's
 * JavaScript by weight. The models see it through the narrow LightLike interface (light-api.ts); the
 * assignment below is the compile-time check that the real client satisfies it.
 */
import type { NetworkConfig } from './config.js'
import { hexToBytes } from './config.js'
import type { LightLike } from './light-api.js'

export async function createLight(config: NetworkConfig): Promise<LightLike> {
  const { LightClient } = await import('../light/index.js')
  const light: LightLike = new LightClient({
    networkId: hexToBytes(config.networkId),
    networkPassphrase: config.network,
    relays: config.relays,
    allowInsecureLocal: config.devnet,
    seeds: config.validators,
    // A devnet closes a ledger every second or faster: poll as often so the app keeps up.
    ...(config.devnet ? { pollIntervalMs: 1000 } : {}),
  })
  return light
}
