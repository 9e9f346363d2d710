/** PWA entry: mounts the shell. Heavy parts (libp2p, the light client, workers) load lazily after first paint. */
import { render } from 'preact'
import { App } from './ui/App.js'

render(<App />, document.getElementById('app')!)
