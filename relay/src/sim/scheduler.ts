/**
 * Virtual clock and event queue. Time is a number of virtual milliseconds that only moves when the
 * next event runs; events at the same time run in the order they were scheduled (a sequence number
 * breaks ties), so a run is a deterministic function of its inputs.
 */

export interface ScheduledEvent {
  readonly time: number
  readonly seq: number
  cancelled: boolean
  readonly run: () => void
}

export class Scheduler {
  private heap: ScheduledEvent[] = []
  private seq = 0
  private current = 0
  /** Events run so far. */
  executed = 0

  now(): number {
    return this.current
  }

  /** Run `run` `delayMs` from now (≥ 0). */
  schedule(delayMs: number, run: () => void): ScheduledEvent {
    if (!(delayMs >= 0)) throw new RangeError(`Scheduler.schedule: expected a delay ≥ 0, got ${delayMs}`)
    return this.at(this.current + delayMs, run)
  }

  /** Run `run` at virtual time `time` (not before now). */
  at(time: number, run: () => void): ScheduledEvent {
    const e: ScheduledEvent = { time: Math.max(time, this.current), seq: this.seq++, cancelled: false, run }
    this.push(e)
    return e
  }

  cancel(e: ScheduledEvent | undefined): void {
    if (e) e.cancelled = true
  }

  get pending(): number {
    return this.heap.length
  }

  /** Run the next event; false if none is left. */
  step(): boolean {
    for (;;) {
      const e = this.pop()
      if (e === undefined) return false
      if (e.cancelled) continue
      this.current = e.time
      this.executed++
      e.run()
      return true
    }
  }

  /** Run events until `stop()` is true, the queue is empty, or the next event is after `until`. */
  runUntil(until: number, stop: () => boolean = () => false): void {
    while (!stop()) {
      const top = this.peek()
      if (top === undefined || top.time > until) break
      this.step()
    }
    if (this.current < until && this.peek() === undefined) this.current = until
  }

  private peek(): ScheduledEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop()
    return this.heap[0]
  }

  private less(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq)
  }

  private push(e: ScheduledEvent): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      const t = h[i]!
      h[i] = h[p]!
      h[p] = t
      i = p
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap
    if (h.length === 0) return undefined
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r
        if (m === i) break
        const t = h[i]!
        h[i] = h[m]!
        h[m] = t
        i = m
      }
    }
    return top
  }
}
