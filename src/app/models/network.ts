/**
 * The network as the app sees it: the config, the light client (loaded lazily after first paint)
 * and its latest snapshot as signals. Every verified figure in the UI traces back to `snapshot`.
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import { cachedConfig, loadConfig, type NetworkConfig } from '../net/config.js'
import type { LightLike, LightSnapshot, QuorumSet } from '../net/light-api.js'

export type NetworkPhase = 'idle' | 'loading' | 'running' | 'failed'

export interface NetworkModel {
  readonly config: Signal<NetworkConfig | undefined>
  readonly phase: Signal<NetworkPhase>
  readonly error: Signal<string | undefined>
  readonly snapshot: Signal<LightSnapshot | undefined>
  readonly online: ReadonlySignal<boolean>
  readonly latestSeq: ReadonlySignal<bigint | undefined>
  start(): Promise<void>
  /** The light client, once loaded (waits for it). */
  client(): Promise<LightLike>
  /** The light client if loaded now. */
  current(): LightLike | undefined
  networkId(): Uint8Array
  setTrusted(q: QuorumSet | undefined): void
  dismissAlarms(): void
}

export function createNetworkModel(
  load: (c: NetworkConfig) => Promise<LightLike> = async (c) =>
    (await import('../net/load-light.js')).createLight(c),
): NetworkModel {
  const config = signal<NetworkConfig | undefined>(cachedConfig())
  const phase = signal<NetworkPhase>('idle')
  const error = signal<string | undefined>(undefined)
  const snapshot = signal<LightSnapshot | undefined>(undefined)
  let light: LightLike | undefined
  let resolveClient!: (l: LightLike) => void
  const ready = new Promise<LightLike>((r) => {
    resolveClient = r
  })

  const model: NetworkModel = {
    config,
    phase,
    error,
    snapshot,
    online: computed(() => snapshot.value?.online ?? false),
    latestSeq: computed(() => snapshot.value?.latest?.seq),
    async start() {
      if (phase.peek() !== 'idle') return
      phase.value = 'loading'
      try {
        const { config: c } = await loadConfig()
        config.value = c
        light = await load(c)
        snapshot.value = light.snapshot()
        light.subscribe((s) => {
          snapshot.value = s
        })
        resolveClient(light)
        phase.value = 'running'
        // Connecting may take a while, or fail with every relay down: the client still answers from
        // its verified store, so the app keeps going and the snapshot says what is wrong.
        await light.start().catch((err: unknown) => {
          error.value = err instanceof Error ? err.message : String(err)
        })
        snapshot.value = light.snapshot()
      } catch (err) {
        phase.value = 'failed'
        error.value = err instanceof Error ? err.message : String(err)
      }
    },
    client: () => ready,
    current: () => light,
    networkId() {
      const c = config.peek()
      if (!c) throw new Error('networkId: expected a network config, got none')
      const out = new Uint8Array(32)
      for (let i = 0; i < 32; i++) out[i] = Number.parseInt(c.networkId.slice(i * 2, i * 2 + 2), 16)
      return out
    },
    dismissAlarms() {
      light?.clearAlarms?.()
      if (light) snapshot.value = light.snapshot()
    },
    setTrusted(q) {
      light?.setTrusted(q)
      if (light) snapshot.value = light.snapshot()
    },
  }
  return model
}
