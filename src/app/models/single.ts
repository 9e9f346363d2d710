/**
 * One run at a time: while a run is in flight, callers share its promise. (A `p ??= (async () => {
 * … finally { p = undefined } })()` pattern is wrong: when the body returns before its first await,
 * `finally` runs before the assignment and the settled promise sticks forever.)
 */
export function singleFlight<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let running: Promise<T> | undefined
  return (...args) => {
    if (running) return running
    const p = fn(...args).finally(() => {
      if (running === p) running = undefined
    })
    running = p
    return p
  }
}
