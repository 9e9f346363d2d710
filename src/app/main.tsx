/**
 * PWA entry: paints the shell at once, reads local state (is there a wallet? the last verified
 * figures), and only after first paint loads the heavy parts — the light client (libp2p) and the
 * service worker registration; the wallet engine, QR codes and the puzzle worker load on first use.
 */
import { render } from 'preact'
import { app } from './models/index.js'
import { App } from './ui/App.js'
import './ui/styles.css'

render(<App />, document.getElementById('app')!)
const painted = new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
void Promise.all([app.boot(), painted]).then(() => app.connect())
