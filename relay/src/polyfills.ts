/**
 * Node 20 work-arounds for libp2p (docs/architecture.md §Platform notes): Promise.withResolvers (V8 11.3
 * lacks it; it-queue and mortice call it) and a global WebSocket for dialing ws (Node 20 has it only
 * behind --experimental-websocket). Loaded first by the relay entry point (bin/watt-relay.js) and by vitest (test/setup).
 */
import WebSocket from 'ws'

if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void
      let reject!: (e?: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}
if (typeof globalThis.WebSocket === 'undefined') {
  ;(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket
}
