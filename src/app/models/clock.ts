/** Wall-clock time as a signal, ticking once a second (countdowns, "verified 2 min ago"). */
import { signal } from '@preact/signals'

export const now = signal(Date.now())
let timer: ReturnType<typeof setInterval> | undefined

export function startClock(): void {
  timer ??= setInterval(() => {
    now.value = Date.now()
  }, 1000)
}

export function stopClock(): void {
  clearInterval(timer)
  timer = undefined
}

/** Resolve after `ms`, or reject with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
