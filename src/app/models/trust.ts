/**
 * Editing the trusted quorum set (PRODUCT §4.8: chosen by PageRank by default, always shown and
 * editable): pick validators from the ranking and a threshold, or go back to the automatic choice.
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals'
import type { NetworkModel } from './network.js'

export interface TrustModel {
  readonly editing: Signal<boolean>
  readonly picked: Signal<ReadonlySet<string>>
  readonly threshold: Signal<number>
  readonly error: ReadonlySignal<string | undefined>
  edit(): void
  toggle(id: string): void
  apply(): void
  automatic(): void
  cancel(): void
}

export function createTrustModel(network: NetworkModel): TrustModel {
  const editing = signal(false)
  const picked = signal<ReadonlySet<string>>(new Set())
  const threshold = signal(1)
  const error = computed(() => {
    const n = picked.value.size
    if (n === 0) return 'Pick at least one validator to trust.'
    if (threshold.value < 1 || threshold.value > n) return `The threshold must be between 1 and ${n}.`
    if (threshold.value <= n / 2)
      return 'With a threshold of half or less, two disjoint groups could each convince this app: pick more than half.'
    return undefined
  })
  return {
    editing,
    picked,
    threshold,
    error,
    edit() {
      const q = network.snapshot.peek()?.trusted.quorumSet
      picked.value = new Set(q?.validators ?? [])
      threshold.value = q?.threshold ?? 1
      editing.value = true
    },
    toggle(id) {
      const next = new Set(picked.peek())
      if (next.has(id)) next.delete(id)
      else next.add(id)
      picked.value = next
      if (threshold.peek() > next.size) threshold.value = Math.max(1, next.size)
    },
    apply() {
      if (error.peek()) return
      network.setTrusted({ threshold: threshold.peek(), validators: [...picked.peek()], innerSets: [] })
      editing.value = false
    },
    automatic() {
      network.setTrusted(undefined)
      editing.value = false
    },
    cancel() {
      editing.value = false
    },
  }
}
