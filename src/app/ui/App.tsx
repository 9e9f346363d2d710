/** The app shell: header with the network status, banners (alarms, update, install), screens, navigation. */

import { now } from '../models/clock.js'
import { app } from '../models/index.js'
import { go, type Route, route } from '../models/route.js'
import { Circle } from './Circle.js'
import { Home } from './Home.js'
import { Me } from './Me.js'
import { AlarmBanner, Network } from './Network.js'
import { Onboarding, Unlock } from './Onboarding.js'
import { Pay } from './Pay.js'

const { network, wallet, pwa, account } = app

const NAV: [Route, string, string][] = [
  ['home', 'Home', 'M3 11 12 3l9 8v10h-6v-6H9v6H3z'],
  ['pay', 'Pay', 'M3 6h18v12H3zM3 10h18M7 15h4'],
  ['circle', 'Circle', 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0'],
  ['network', 'Network', 'M12 3v18M3 12h18M5 5l14 14M19 5 5 19'],
  ['me', 'Me', 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM4 12h2M18 12h2M12 4v2M12 18v2'],
]

function NetworkStatus() {
  void now.value
  const s = network.snapshot.value
  const phase = network.phase.value
  let text: string
  let cls = 'pill'
  if (phase === 'idle' || phase === 'loading') text = 'Connecting…'
  else if (phase === 'failed') {
    text = 'Offline'
    cls += ' off'
  } else if (s?.online) {
    const seq = s.latest?.seq
    text = seq !== undefined ? `Verified · ledger ${seq}` : 'Connected'
    cls += ' on'
  } else {
    const v = account.view.value
    text = v ? `Offline · last verified ledger ${v.ledger}` : 'Offline'
    cls += ' off'
  }
  return (
    <p class={cls} role="status" aria-live="polite" aria-atomic="true">
      {text}
    </p>
  )
}

function UpdateBanner() {
  if (!pwa.needRefresh.value) return null
  return (
    <section class="banner" aria-label="Update available">
      <p>A new version of Watt is ready.</p>
      <div class="actions inline">
        <button type="button" onClick={() => void pwa.update()}>
          Update now
        </button>
        <button type="button" class="secondary" onClick={() => pwa.dismissUpdate()}>
          Later
        </button>
      </div>
    </section>
  )
}

function OfflineReady() {
  if (!pwa.offlineReady.value) return null
  return (
    <div class="banner" role="status">
      <p>Watt is ready to work offline.</p>
      <button type="button" class="secondary" onClick={() => pwa.dismissOfflineReady()}>
        OK
      </button>
    </div>
  )
}

function InstallBanner() {
  if (!pwa.canInstall.value || pwa.installed.value) return null
  return (
    <section class="banner" aria-label="Install">
      <p>Install Watt to open it from your home screen, even offline.</p>
      <button type="button" onClick={() => void pwa.install()}>
        Install
      </button>
    </section>
  )
}

function Nav() {
  const current = route.value
  return (
    <nav class="tabs" aria-label="Main">
      {NAV.map(([r, label, d]) => (
        <a
          key={r}
          href={`#/${r}`}
          aria-current={current === r ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault()
            go(r)
            // Move focus to the new screen's heading, so keyboard and screen-reader users start there.
            requestAnimationFrame(() => document.querySelector<HTMLElement>('#main h1')?.focus())
          }}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d={d} />
          </svg>
          <span>{label}</span>
        </a>
      ))}
    </nav>
  )
}

function Screen() {
  switch (route.value) {
    case 'pay':
      return <Pay />
    case 'circle':
      return <Circle />
    case 'network':
      return <Network />
    case 'me':
      return <Me />
    default:
      return <Home />
  }
}

export function App() {
  const w = wallet.state.value
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">
          <svg viewBox="0 0 512 512" aria-hidden="true">
            <path d="M292 56 132 292h104l-24 164 168-244H272z" />
          </svg>
          Watt
        </span>
        <NetworkStatus />
        {w.kind === 'unlocked' && (
          <button type="button" class="secondary small" onClick={() => wallet.lock()}>
            Lock
          </button>
        )}
      </header>
      <UpdateBanner />
      {w.kind === 'unlocked' && route.value !== 'network' && <AlarmBanner />}
      {w.kind === 'loading' && (
        <main id="main" class="screen">
          <p role="status">Opening…</p>
        </main>
      )}
      {w.kind === 'none' && <Onboarding />}
      {w.kind === 'locked' && <Unlock address={w.address} />}
      {w.kind === 'unlocked' && (
        <>
          <main id="main" class="screen" tabIndex={-1}>
            <InstallBanner />
            <OfflineReady />
            <Screen />
          </main>
          <Nav />
        </>
      )}
    </>
  )
}
