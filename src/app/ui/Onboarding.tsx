/** First run: create a wallet (phrase → confirm → passphrase) or restore one; and the unlock screen. */
import { app } from '../models/index.js'
import { VERSION } from '../version.js'
import { MIN_PASSPHRASE_LENGTH } from '../wallet/keystore.js'
import { Address, Field } from './common.js'

const { wallet } = app

function Busy() {
  const b = wallet.busy.value
  return (
    <p class="status" role="status" aria-live="polite">
      {b ?? ''}
    </p>
  )
}

function ErrorLine() {
  const e = wallet.error.value
  return e ? (
    <p class="error" role="alert">
      {e}
    </p>
  ) : null
}

function formValues(e: Event): Record<string, string> {
  e.preventDefault()
  const data = new FormData(e.currentTarget as HTMLFormElement)
  const out: Record<string, string> = {}
  for (const [k, v] of data) if (typeof v === 'string') out[k] = v
  return out
}

function Welcome() {
  const ref = wallet.referrer.value
  return (
    <section class="card onboarding">
      <h1 tabIndex={-1}>Welcome to Watt</h1>
      <p>
        Watt is a payment network you run from your phone. Check in once a day to earn WATT, pay anyone, and
        check every figure yourself.
      </p>
      {ref && (
        <p class="note">
          You were invited by <Address value={ref} />. They will be your referrer when your account is
          created.
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={() => void wallet.startCreate(12)} disabled={!!wallet.busy.value}>
          Create a new wallet
        </button>
        <button type="button" class="secondary" onClick={() => wallet.startRestore()}>
          Restore from a recovery phrase
        </button>
      </div>
      <details>
        <summary>Prefer a 24-word phrase?</summary>
        <button type="button" class="secondary" onClick={() => void wallet.startCreate(24)}>
          Create a wallet with 24 words
        </button>
      </details>
      <Busy />
      <ErrorLine />
      <p class="hint">Version {VERSION}</p>
    </section>
  )
}

function ShowPhrase({ phrase }: { phrase: string }) {
  return (
    <section class="card onboarding">
      <h1 tabIndex={-1}>Your recovery phrase</h1>
      <p>
        Write these {phrase.split(' ').length} words down, in order, on paper. They are the only way to get
        your wallet back if you lose this phone. Anyone who has them can spend your WATT: never type them into
        a website or share them.
      </p>
      <ol class="phrase" aria-label="Recovery phrase">
        {phrase.split(' ').map((w, i) => (
          <li key={`${i}-${w}`}>{w}</li>
        ))}
      </ol>
      <div class="actions">
        <button type="button" onClick={() => wallet.phraseWrittenDown()}>
          I have written it down
        </button>
        <button type="button" class="secondary" onClick={() => wallet.back()}>
          Back
        </button>
      </div>
    </section>
  )
}

function ConfirmPhrase({ asks }: { asks: number[] }) {
  return (
    <section class="card onboarding">
      <h1 tabIndex={-1}>Check your recovery phrase</h1>
      <p>To make sure it is written down correctly, type these words from it.</p>
      <form
        onSubmit={(e) => {
          const v = formValues(e)
          wallet.confirmWords(asks.map((p) => v[`w${p}`] ?? ''))
        }}
      >
        {asks.map((p) => (
          <Field key={p} id={`confirm-${p}`} label={`Word #${p + 1}`}>
            {(a) => (
              <input
                {...a}
                name={`w${p}`}
                autoComplete="off"
                autoCapitalize="none"
                spellcheck={false}
                required
              />
            )}
          </Field>
        ))}
        <ErrorLine />
        <div class="actions">
          <button type="submit">Continue</button>
          <button type="button" class="secondary" onClick={() => wallet.back()}>
            Start again
          </button>
        </div>
      </form>
    </section>
  )
}

/** A hidden username for password managers, so they file the passphrase under this wallet. */
function UsernameHint({ value }: { value: string }) {
  return <input type="text" name="username" autoComplete="username" value={value} readOnly hidden />
}

function PassphraseFields() {
  return (
    <>
      <UsernameHint value="Watt wallet" />
      <Field
        id="passphrase"
        label="Passphrase"
        hint={`At least ${MIN_PASSPHRASE_LENGTH} characters. It encrypts your wallet on this device; you type it to unlock the app.`}
      >
        {(a) => <input {...a} name="passphrase" type="password" autoComplete="new-password" required />}
      </Field>
      <Field id="passphrase-repeat" label="Repeat passphrase">
        {(a) => <input {...a} name="repeat" type="password" autoComplete="new-password" required />}
      </Field>
    </>
  )
}

function ChoosePassphrase() {
  return (
    <section class="card onboarding">
      <h1 tabIndex={-1}>Protect this device</h1>
      <p>Choose a passphrase. Your key is stored on this device encrypted with it, and never leaves it.</p>
      <form
        onSubmit={(e) => {
          const v = formValues(e)
          void wallet.choosePassphrase(v.passphrase ?? '', v.repeat ?? '')
        }}
      >
        <PassphraseFields />
        <ErrorLine />
        <Busy />
        <div class="actions">
          <button type="submit" disabled={!!wallet.busy.value}>
            Create wallet
          </button>
        </div>
      </form>
    </section>
  )
}

function Restore() {
  return (
    <section class="card onboarding">
      <h1 tabIndex={-1}>Restore your wallet</h1>
      <p>Type or paste your 12 or 24 words, in order, separated by spaces.</p>
      <form
        onSubmit={(e) => {
          const v = formValues(e)
          void wallet.restore(v.phrase ?? '', v.passphrase ?? '', v.repeat ?? '')
        }}
      >
        <Field id="restore-phrase" label="Recovery phrase">
          {(a) => (
            <textarea
              {...a}
              name="phrase"
              rows={4}
              autoComplete="off"
              autoCapitalize="none"
              spellcheck={false}
              required
            />
          )}
        </Field>
        <PassphraseFields />
        <ErrorLine />
        <Busy />
        <div class="actions">
          <button type="submit" disabled={!!wallet.busy.value}>
            Restore wallet
          </button>
          <button type="button" class="secondary" onClick={() => wallet.back()}>
            Back
          </button>
        </div>
      </form>
    </section>
  )
}

export function Onboarding() {
  const o = wallet.onboarding.value
  return (
    <main id="main" class="screen">
      {o.step === 'welcome' && <Welcome />}
      {o.step === 'show' && <ShowPhrase phrase={o.phrase} />}
      {o.step === 'confirm' && <ConfirmPhrase asks={o.asks} />}
      {o.step === 'passphrase' && <ChoosePassphrase />}
      {o.step === 'restore' && <Restore />}
    </main>
  )
}

export function Unlock({ address }: { address: string }) {
  return (
    <main id="main" class="screen">
      <section class="card onboarding">
        <h1 tabIndex={-1}>Unlock your wallet</h1>
        <p>
          Wallet <Address value={address} />
        </p>
        <form
          onSubmit={(e) => {
            const v = formValues(e)
            void wallet.unlock(v.passphrase ?? '')
          }}
        >
          <UsernameHint value={address} />
          <Field id="unlock-passphrase" label="Passphrase">
            {(a) => (
              <input {...a} name="passphrase" type="password" autoComplete="current-password" required />
            )}
          </Field>
          <ErrorLine />
          <Busy />
          <div class="actions">
            <button type="submit" disabled={!!wallet.busy.value}>
              Unlock
            </button>
          </div>
        </form>
        <details>
          <summary>Forgot your passphrase?</summary>
          <p>
            The passphrase cannot be recovered, but your wallet can: remove it from this device, then restore
            it with your recovery phrase and choose a new passphrase.
          </p>
          <ForgetForm />
        </details>
      </section>
    </main>
  )
}

/** Removing the wallet asks for a deliberate confirmation: without the phrase, the WATT are gone. */
export function ForgetForm() {
  return (
    <form
      class="forget"
      onSubmit={(e) => {
        e.preventDefault()
        void wallet.forget()
      }}
    >
      <label class="check">
        <input type="checkbox" name="sure" required /> I have my recovery phrase written down
      </label>
      <button type="submit" class="danger">
        Remove this wallet from this device
      </button>
    </form>
  )
}
