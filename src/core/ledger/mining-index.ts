/**
 * A dense, typed-array projection of the account facts the daily close needs (circle, referrer,
 * check-in day and count, linked validator), indexed by account creation index. It is derived from
 * the account entries (rebuilt from them on load) and updated as account entries change, so closing a
 * day over a million miners is a couple of passes over flat arrays instead of a million map lookups.
 */
import { equalBytes } from '../codec/bytes.js'
import { MAX_CIRCLE } from './types.js'

export class MiningIndex {
  count = 0
  private capacity = 0
  /** circle[i * 5 + k]: account index of the k-th circle member of account i, or −1. */
  circle = new Int32Array(0)
  referrer = new Int32Array(0)
  totalCheckIns = new Uint32Array(0)
  /** The last mining day account i checked in, or −1. */
  lastDay = new Float64Array(0)
  /** Slot in `validators` of the validator linked to account i, or −1. */
  validatorSlot = new Int32Array(0)
  /** Account ids by index, 32 bytes each. */
  keys = new Uint8Array(0)
  /** Linked validator ids by slot (hex-free latin1 strings), and the reverse map. */
  readonly validators: string[] = []
  private readonly validatorSlots = new Map<string, number>()

  private grow(min: number): void {
    if (min <= this.capacity) return
    const cap = Math.max(1024, this.capacity * 2, min)
    const resize = <T extends Int32Array | Uint32Array | Float64Array | Uint8Array>(
      a: T,
      n: number,
      fill?: number,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(n)
      b.set(a)
      if (fill !== undefined) b.fill(fill, a.length)
      return b
    }
    this.circle = resize(this.circle, cap * MAX_CIRCLE, -1)
    this.referrer = resize(this.referrer, cap, -1)
    this.totalCheckIns = resize(this.totalCheckIns, cap)
    this.lastDay = resize(this.lastDay, cap, -1)
    this.validatorSlot = resize(this.validatorSlot, cap, -1)
    this.keys = resize(this.keys, cap * 32)
    this.capacity = cap
  }

  /** Register account `index` (creation order; indexes are dense and never reused). */
  add(index: number, id: Uint8Array): void {
    if (index !== this.count) throw new Error(`MiningIndex.add: expected index ${this.count}, got ${index}`)
    this.grow(index + 1)
    this.keys.set(id, index * 32)
    this.count++
  }

  keyAt(index: number): Uint8Array {
    return this.keys.subarray(index * 32, index * 32 + 32)
  }

  setCircle(index: number, members: readonly number[]): void {
    for (let k = 0; k < MAX_CIRCLE; k++) this.circle[index * MAX_CIRCLE + k] = members[k] ?? -1
  }

  setValidator(index: number, validatorId: string | undefined): void {
    if (validatorId === undefined) {
      this.validatorSlot[index] = -1
      return
    }
    let slot = this.validatorSlots.get(validatorId)
    if (slot === undefined) {
      slot = this.validators.length
      this.validators.push(validatorId)
      this.validatorSlots.set(validatorId, slot)
    }
    this.validatorSlot[index] = slot
  }

  /** The slot of a linked validator id (latin1 string), or −1 if no account ever linked it. */
  slotOf(validatorId: string): number {
    return this.validatorSlots.get(validatorId) ?? -1
  }

  /** Sanity: the id stored for `index` is `id`. */
  hasKey(index: number, id: Uint8Array): boolean {
    return index < this.count && equalBytes(this.keyAt(index), id)
  }
}
