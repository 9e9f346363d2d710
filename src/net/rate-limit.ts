/**
 * Token buckets keyed by string (peer id + protocol), with a bounded number of tracked keys so a
 * stream of fresh peer ids cannot grow the map without bound.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  readonly ratePerSecond: number
  /** Bucket size: the most tokens a key can hold (its burst). */
  readonly burst: number
}

interface Bucket {
  tokens: number
  /** When `tokens` was last brought up to date, in ms (the injected clock). */
  at: number
}

/**
 * Buckets that start full. `take(key, spec)` spends one token and returns true, or returns false
 * when the key's bucket is empty.
 *
 * When more than `maxKeys` keys are tracked, `take` first forgets every bucket that has refilled to
 * its burst (such a bucket is indistinguishable from a new one, so forgetting it changes nothing).
 * If that frees nothing the oldest entries are dropped: a key can then regain its burst early, which
 * bounds memory at the price of a little leniency under a many-peer flood.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket & { spec: BucketSpec }>()
  readonly #maxKeys: number
  readonly #now: () => number

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.#maxKeys = options.maxKeys ?? 10_000
    this.#now = options.now ?? (() => performance.now())
  }

  take(key: string, spec: BucketSpec): boolean {
    const now = this.#now()
    let b = this.#buckets.get(key)
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#sweep(now)
      b = { tokens: spec.burst, at: now, spec }
      this.#buckets.set(key, b)
    } else {
      b.tokens = Math.min(spec.burst, b.tokens + ((now - b.at) / 1000) * spec.ratePerSecond)
      b.at = now
      b.spec = spec
    }
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  /** Forget every bucket whose key starts with `prefix` (a peer that disconnected). */
  forget(prefix: string): void {
    for (const key of this.#buckets.keys()) if (key.startsWith(prefix)) this.#buckets.delete(key)
  }

  get size(): number {
    return this.#buckets.size
  }

  #sweep(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * b.spec.ratePerSecond >= b.spec.burst) this.#buckets.delete(key)
    }
    // Still full: drop the oldest quarter (Map iteration is insertion order).
    if (this.#buckets.size >= this.#maxKeys) {
      let drop = Math.ceil(this.#maxKeys / 4)
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break
        this.#buckets.delete(key)
      }
    }
  }
}
