/**
 * PWA entry: paints the shell at once, reads local state (is there a wallet? the last verified
 * figures), and only after first paint loads the heavy parts — the light client (libp2p), the service
 * worker registration and the wallet engine; QR codes and the puzzle worker load on first use.
 */
import { render } from 'preact'
import { app } from './models/index.js'
import { App } from './ui/App.js'
import './ui/styles.css'

/** Resolves once the browser reports the first contentful paint (or after 1 s where it does not). */
function firstPaint(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve()
    setTimeout(done, 1000)
    try {
      if (performance.getEntriesByName('first-contentful-paint').length > 0) return done()
      new PerformanceObserver((list, obs) => {
        if (list.getEntriesByName('first-contentful-paint').length > 0) {
          obs.disconnect()
          done()
        }
      }).observe({ type: 'paint', buffered: true })
    } catch {
      requestAnimationFrame(() => setTimeout(done, 0))
    }
  })
}

render(<App />, document.getElementById('app')!)
void Promise.all([app.boot(), firstPaint()]).then(() => app.connect())
