// Worker-thread bootstrap: registers the TypeScript loader (tsx) in this thread, then imports the
// real entry. Worker threads do not inherit --import hooks reliably on Node 20.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
