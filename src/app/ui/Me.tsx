/** Settings: your address, lock, the recovery phrase again, install, storage, removing the wallet. */
import { app } from '../models/index.js'
import { VERSION } from '../version.js'
import { Address, CopyButton, Field } from './common.js'
import { ForgetForm } from './Onboarding.js'

const { wallet, pwa } = app

function RevealPhrase() {
  const phrase = wallet.revealed.value
  if (phrase)
    return (
      <>
        <ol class="phrase" aria-label="Recovery phrase">
          {phrase.split(' ').map((w, i) => (
            <li key={`${i}-${w}`}>{w}</li>
          ))}
        </ol>
        <button type="button" onClick={() => wallet.hideRevealed()}>
          Hide the phrase
        </button>
      </>
    )
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        const v = new FormData(e.currentTarget).get('passphrase')
        e.currentTarget.reset()
        void wallet.reveal(typeof v === 'string' ? v : '')
      }}
    >
      <Field id="reveal-passphrase" label="Passphrase">
        {(a) => <input {...a} name="passphrase" type="password" autoComplete="current-password" required />}
      </Field>
      {wallet.error.value && (
        <p class="error" role="alert">
          {wallet.error.value}
        </p>
      )}
      <button type="submit" class="secondary">
        Show my recovery phrase
      </button>
    </form>
  )
}

export function Me() {
  const address = wallet.address.value
  const persisted = wallet.persisted.value
  return (
    <>
      <h1 tabIndex={-1}>Me</h1>
      <section class="card" aria-labelledby="me-address-h">
        <h2 id="me-address-h">Your address</h2>
        {address && (
          <>
            <p>
              <Address value={address} />
            </p>
            <div class="actions inline">
              <CopyButton text={address} label="Copy address" />
              <button type="button" class="secondary" onClick={() => wallet.lock()}>
                Lock the wallet
              </button>
            </div>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="phrase-h">
        <h2 id="phrase-h">Recovery phrase</h2>
        <p>Make sure nobody is looking at your screen.</p>
        <RevealPhrase />
      </section>
      <section class="card" aria-labelledby="app-h">
        <h2 id="app-h">This app</h2>
        <p>Version {VERSION}</p>
        {pwa.installed.value ? (
          <p>Installed on this device.</p>
        ) : pwa.canInstall.value ? (
          <button type="button" onClick={() => void pwa.install()}>
            Install Watt on this device
          </button>
        ) : (
          <p class="hint">To install, use your browser's menu: “Install app” or “Add to Home screen”.</p>
        )}
        <p>
          Storage:{' '}
          {persisted === true
            ? 'kept by the browser (persistent).'
            : persisted === false
              ? 'the browser may clear it when space runs low. Keep your recovery phrase safe.'
              : 'not asked yet.'}
        </p>
      </section>
      <section class="card" aria-labelledby="danger-h">
        <h2 id="danger-h">Remove the wallet</h2>
        <p>Removes the encrypted key from this device. Only your recovery phrase can bring it back.</p>
        <ForgetForm />
      </section>
    </>
  )
}
