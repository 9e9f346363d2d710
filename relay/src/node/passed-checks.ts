/**
 * The set of checks (signatures, puzzles) that passed, bounded: two generations rotated at every
 * ledger close, so ids of transactions long gone are forgotten, while ids pinned by transactions still
 * waiting in the queue are carried into the new generation.
 */
import type { PassedChecks as PassedChecksView } from '../../../src/core/ledger/index.js'

export class PassedChecks implements PassedChecksView {
  private current = new Set<string>()
  private previous = new Set<string>()

  has(id: string): boolean {
    return this.current.has(id) || this.previous.has(id)
  }

  add(id: string): void {
    this.current.add(id)
  }

  /** Keep these ids through the next rotation. */
  pin(ids: Iterable<string>): void {
    for (const id of ids) if (this.has(id)) this.current.add(id)
  }

  rotate(): void {
    this.previous = this.current
    this.current = new Set()
  }

  get size(): number {
    return this.current.size + this.previous.size
  }
}
