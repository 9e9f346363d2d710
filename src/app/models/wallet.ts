/**
 * The wallet: onboarding (create → show the phrase → confirm it → choose a passphrase; or restore),
 * lock and unlock. The key is made from the recovery phrase on this device, stored encrypted
 * (wallet/keystore.ts) and unlocked per session: a reload locks it again. Nothing secret leaves the
 * device; the signer holds a non-extractable key where the platform allows (wallet/signer.ts).
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import {
  forgetWallet,
  MIN_PASSPHRASE_LENGTH,
  markBackedUp,
  openWallet,
  saveWallet,
  storedWallet,
} from '../wallet/keystore.js'
import type { WalletSigner } from '../wallet/signer.js'
import { addressProblem } from './words.js'

export type WalletState =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'locked'; address: string }
  | { kind: 'unlocked'; address: string; signer: WalletSigner }

export type OnboardingStep =
  | { step: 'welcome' }
  | { step: 'show'; phrase: string }
  | { step: 'confirm'; phrase: string; asks: number[] }
  | { step: 'passphrase'; phrase: string }
  | { step: 'restore' }

export type PhraseWords = 12 | 24

type Engine = typeof import('../wallet/engine.js')
let engine: Promise<Engine> | undefined
export const loadEngine = (): Promise<Engine> => {
  engine ??= import('../wallet/engine.js')
  return engine
}

const REF_KEY = 'watt:ref'

export interface WalletModel {
  readonly state: Signal<WalletState>
  readonly onboarding: Signal<OnboardingStep>
  /** What the app is doing for the wallet right now ("Encrypting…"), for a progress message. */
  readonly busy: Signal<string | undefined>
  readonly error: Signal<string | undefined>
  /** The referrer from an invitation link (`?ref=W…`), kept until the account exists. */
  readonly referrer: Signal<string | undefined>
  /** The phrase shown again on request (Settings), until hidden. */
  readonly revealed: Signal<string | undefined>
  /** navigator.storage.persisted() after the wallet was saved (undefined: not asked). */
  readonly persisted: Signal<boolean | undefined>
  readonly address: ReadonlySignal<string | undefined>
  readonly signer: ReadonlySignal<WalletSigner | undefined>
  init(search?: string): Promise<void>
  startCreate(words?: PhraseWords): Promise<void>
  phraseWrittenDown(): void
  confirmWords(answers: string[]): void
  choosePassphrase(passphrase: string, repeat: string): Promise<void>
  startRestore(): void
  restore(phrase: string, passphrase: string, repeat: string): Promise<void>
  back(): void
  unlock(passphrase: string): Promise<void>
  lock(): void
  forget(): Promise<void>
  reveal(passphrase: string): Promise<void>
  hideRevealed(): void
  clearReferrer(): void
}

/** Three distinct word positions to ask for, in order (0-based). */
function pickAsks(count: number): number[] {
  const picked = new Set<number>()
  const r = crypto.getRandomValues(new Uint32Array(16))
  for (const x of r) {
    picked.add(x % count)
    if (picked.size === 3) break
  }
  return [...picked].sort((a, b) => a - b)
}

export function createWalletModel(): WalletModel {
  const state = signal<WalletState>({ kind: 'loading' })
  const onboarding = signal<OnboardingStep>({ step: 'welcome' })
  const busy = signal<string | undefined>(undefined)
  const error = signal<string | undefined>(undefined)
  const referrer = signal<string | undefined>(undefined)
  const revealed = signal<string | undefined>(undefined)
  const persisted = signal<boolean | undefined>(undefined)

  async function work<T>(label: string, fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = label
    error.value = undefined
    try {
      return await fn()
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      return undefined
    } finally {
      busy.value = undefined
    }
  }

  function passphraseProblem(p: string, repeat: string): string | undefined {
    if (p.length < MIN_PASSPHRASE_LENGTH)
      return `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`
    if (p !== repeat) return 'The two passphrases are not the same.'
    return undefined
  }

  async function keep(phrase: string, passphrase: string, backedUp: boolean): Promise<void> {
    const e = await loadEngine()
    const seed = await e.keyFromPhrase(phrase)
    const { publicKey } = e.addressOfSeed(seed)
    await saveWallet(seed, publicKey, e.normalisePhrase(phrase), passphrase, { backedUp })
    const signer = await e.signerFromSeed(seed)
    onboarding.value = { step: 'welcome' }
    state.value = { kind: 'unlocked', address: signer.address, signer }
    // Ask the browser not to evict this origin's storage (best effort: browsers decide; PRODUCT §3).
    persisted.value = (await navigator.storage?.persist?.().catch(() => false)) ?? false
  }

  const model: WalletModel = {
    state,
    onboarding,
    busy,
    error,
    referrer,
    revealed,
    persisted,
    address: computed(() => {
      const s = state.value
      return s.kind === 'locked' || s.kind === 'unlocked' ? s.address : undefined
    }),
    signer: computed(() => {
      const s = state.value
      return s.kind === 'unlocked' ? s.signer : undefined
    }),
    async init(search = location.search) {
      const ref = new URLSearchParams(search).get('ref')
      if (ref && !addressProblem(ref)) localStorage.setItem(REF_KEY, ref)
      referrer.value = localStorage.getItem(REF_KEY) ?? undefined
      void navigator.storage?.persisted?.().then(
        (p) => {
          persisted.value = p
        },
        () => undefined,
      )
      const stored = await storedWallet().catch(() => undefined)
      state.value = stored ? { kind: 'locked', address: stored.address } : { kind: 'none' }
    },
    async startCreate(words = 12) {
      await work('Making your recovery phrase…', async () => {
        const e = await loadEngine()
        onboarding.value = { step: 'show', phrase: e.newPhrase(words) }
      })
    },
    phraseWrittenDown() {
      const o = onboarding.peek()
      if (o.step !== 'show') return
      error.value = undefined
      onboarding.value = { step: 'confirm', phrase: o.phrase, asks: pickAsks(o.phrase.split(' ').length) }
    },
    confirmWords(answers) {
      const o = onboarding.peek()
      if (o.step !== 'confirm') return
      const words = o.phrase.split(' ')
      const wrong = o.asks.filter((pos, i) => (answers[i] ?? '').trim().toLowerCase() !== words[pos])
      if (wrong.length > 0) {
        error.value = `Word ${wrong.map((p) => `#${p + 1}`).join(' and ')} ${wrong.length > 1 ? 'do' : 'does'} not match your recovery phrase. Check what you wrote down.`
        return
      }
      error.value = undefined
      onboarding.value = { step: 'passphrase', phrase: o.phrase }
    },
    async choosePassphrase(passphrase, repeat) {
      const o = onboarding.peek()
      if (o.step !== 'passphrase') return
      const problem = passphraseProblem(passphrase, repeat)
      if (problem) {
        error.value = problem
        return
      }
      await work('Encrypting your wallet on this device…', () => keep(o.phrase, passphrase, true))
    },
    startRestore() {
      error.value = undefined
      onboarding.value = { step: 'restore' }
    },
    async restore(phrase, passphrase, repeat) {
      await work('Restoring your wallet…', async () => {
        const e = await loadEngine()
        const p = e.phraseProblem(phrase)
        if (p) {
          error.value =
            p.kind === 'length'
              ? `A recovery phrase has 12 or 24 words; this one has ${p.count}.`
              : p.kind === 'unknown-words'
                ? `These are not recovery-phrase words: ${p.words.join(', ')}. Check the spelling.`
                : 'These words are not a valid recovery phrase (its checksum does not match). Check their order and spelling.'
          return
        }
        const problem = passphraseProblem(passphrase, repeat)
        if (problem) {
          error.value = problem
          return
        }
        await keep(phrase, passphrase, true)
      })
    },
    back() {
      error.value = undefined
      onboarding.value = { step: 'welcome' }
    },
    async unlock(passphrase) {
      await work('Unlocking…', async () => {
        const [{ seed }, e] = await Promise.all([openWallet(passphrase), loadEngine()])
        const signer = await e.signerFromSeed(seed)
        state.value = { kind: 'unlocked', address: signer.address, signer }
      })
    },
    lock() {
      const s = state.peek()
      if (s.kind === 'unlocked') state.value = { kind: 'locked', address: s.address }
      revealed.value = undefined
    },
    async forget() {
      await work('Removing the wallet from this device…', async () => {
        await forgetWallet()
        revealed.value = undefined
        onboarding.value = { step: 'welcome' }
        state.value = { kind: 'none' }
      })
    },
    async reveal(passphrase) {
      await work('Decrypting…', async () => {
        const { seed, phrase } = await openWallet(passphrase)
        seed.fill(0)
        revealed.value = phrase
        await markBackedUp()
      })
    },
    hideRevealed() {
      revealed.value = undefined
    },
    clearReferrer() {
      localStorage.removeItem(REF_KEY)
      referrer.value = undefined
    },
  }
  return model
}
