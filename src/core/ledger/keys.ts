/** Entry keys: the typed key of each state entry, its string form for maps, and its hash for the state tree. */
import { sha256 } from '../codec/hash.js'
import { type EntryKey, EntryKeyType } from './types.js'

const idStrings = new WeakMap<Uint8Array, string>()

/**
 * A compact map key: the latin1 string of an id's bytes. Memoized per Uint8Array object: the same key
 * object (a transaction's source, an entry's id) is looked up many times per ledger, and building the
 * string costs more than a WeakMap hit. Key byte arrays are never mutated in this code base.
 */
export function idString(id: Uint8Array): string {
  let s = idStrings.get(id)
  if (s === undefined) {
    s = String.fromCharCode.apply(null, id as unknown as number[])
    idStrings.set(id, s)
  }
  return s
}

export function idFromString(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export const PARAMS_KEY = 'P'
export const POOLS_KEY = 'O'
export const accountKey = (id: Uint8Array): string => `a${idString(id)}`
export const validatorKey = (id: Uint8Array): string => `v${idString(id)}`
export const dayKey = (day: bigint): string => `d${day}`

/** The typed EntryKey of a map key string. */
export function entryKeyOf(k: string): EntryKey {
  switch (k[0]) {
    case 'a':
      return { type: 'account', id: idFromString(k.slice(1)) }
    case 'v':
      return { type: 'validator', id: idFromString(k.slice(1)) }
    case 'd':
      return { type: 'day', day: BigInt(k.slice(1)) }
    case 'P':
      return { type: 'params' }
    case 'O':
      return { type: 'pools' }
    default:
      throw new Error(`entryKeyOf: expected a known key prefix, got ${JSON.stringify(k[0])}`)
  }
}

export function keyStringOf(key: EntryKey): string {
  switch (key.type) {
    case 'account':
      return accountKey(key.id)
    case 'validator':
      return validatorKey(key.id)
    case 'day':
      return dayKey(key.day)
    case 'params':
      return PARAMS_KEY
    case 'pools':
      return POOLS_KEY
  }
}

// Canonical encoding of an account key, [1, [id]]: array(2), 1, array(1), bytes(32) header. Written
// out because account keys are hashed on every ledger for every changed account (a test pins it to
// the codec's output).
const ACCOUNT_KEY_PREFIX = Uint8Array.of(0x82, 0x01, 0x81, 0x58, 0x20)

/** The state-tree key of an entry: SHA-256 of its canonical EntryKey encoding. */
export function entryKeyHash(key: EntryKey, hasher: (b: Uint8Array) => Uint8Array = sha256): Uint8Array {
  if (key.type === 'account' && key.id.length === 32) {
    const buf = new Uint8Array(37)
    buf.set(ACCOUNT_KEY_PREFIX)
    buf.set(key.id, 5)
    return hasher(buf)
  }
  return hasher(EntryKeyType.encode(key))
}
