/**
 * Install and update (CONVENTIONS habit 11: an update waits for the person's consent).
 * - install: Chromium's `beforeinstallprompt` is kept and replayed when the person taps "Install";
 * - update: the service worker is registered with vite-plugin-pwa's `registerType: 'prompt'`: a new
 *   version installs in the background and waits; `needRefresh` shows a banner, and only
 *   `update()` (a tap) activates it and reloads. Checks for a new version hourly.
 */
import { type Signal, signal } from '@preact/signals'

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>
}

export interface PwaModel {
  readonly canInstall: Signal<boolean>
  readonly installed: Signal<boolean>
  readonly needRefresh: Signal<boolean>
  readonly offlineReady: Signal<boolean>
  readonly swError: Signal<string | undefined>
  start(): Promise<void>
  install(): Promise<void>
  update(): Promise<void>
  dismissUpdate(): void
  dismissOfflineReady(): void
}

const UPDATE_CHECK_MS = 60 * 60 * 1000
/** How long "ready to work offline" stays on screen. */
const OFFLINE_NOTE_MS = 6000

export function createPwaModel(): PwaModel {
  const canInstall = signal(false)
  const installed = signal(
    typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches,
  )
  const needRefresh = signal(false)
  const offlineReady = signal(false)
  const swError = signal<string | undefined>(undefined)
  let deferred: BeforeInstallPromptEvent | undefined
  let updateSW: ((reload?: boolean) => Promise<void>) | undefined

  return {
    canInstall,
    installed,
    needRefresh,
    offlineReady,
    swError,
    async start() {
      addEventListener('beforeinstallprompt', (e) => {
        e.preventDefault()
        deferred = e as BeforeInstallPromptEvent
        canInstall.value = true
      })
      addEventListener('appinstalled', () => {
        installed.value = true
        canInstall.value = false
      })
      if (!('serviceWorker' in navigator)) return
      const { registerSW } = await import('virtual:pwa-register')
      updateSW = registerSW({
        immediate: true,
        onNeedRefresh: () => {
          needRefresh.value = true
        },
        onOfflineReady: () => {
          // A passing note, not a banner that stays: it clears itself after a few seconds.
          offlineReady.value = true
          setTimeout(() => {
            offlineReady.value = false
          }, OFFLINE_NOTE_MS)
        },
        onRegisteredSW: (_url, reg) => {
          if (reg) setInterval(() => void reg.update().catch(() => undefined), UPDATE_CHECK_MS)
        },
        onRegisterError: (err: unknown) => {
          swError.value = err instanceof Error ? err.message : String(err)
        },
      })
    },
    async install() {
      if (!deferred) return
      await deferred.prompt()
      const choice = await deferred.userChoice
      deferred = undefined
      canInstall.value = false
      if (choice.outcome === 'accepted') installed.value = true
    },
    async update() {
      needRefresh.value = false
      await updateSW?.(true)
    },
    dismissUpdate() {
      needRefresh.value = false
    },
    dismissOfflineReady() {
      offlineReady.value = false
    },
  }
}
