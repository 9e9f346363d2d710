/**
 * The app's own IndexedDB database (`watt-app`): the encrypted wallet, the history of transactions
 * this device sent, and a small cache of the last verified figures so the shell can paint them
 * before the light client (and its own verified store) has loaded. Nothing here is trusted for
 * verification: every figure is re-checked by the light client when it is online.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb'

export interface StoredWallet {
  v: 1
  address: string
  words: number
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: Uint8Array }
  cipher: { name: 'AES-GCM'; iv: Uint8Array }
  /** AES-GCM(seed(32) ‖ UTF-8 recovery phrase), additional data "watt-wallet/v1:<address>". */
  ciphertext: Uint8Array
  createdAt: number
  /** Set once the recovery phrase was confirmed (or the wallet was restored from it). */
  backedUp: boolean
}

export type HistoryKind = 'createAccount' | 'payment' | 'checkIn' | 'setSecurityCircle'
export type HistoryStatus = 'signed' | 'queued' | 'pending' | 'applied' | 'failed' | 'rejected'

export interface HistoryItem {
  /** Transaction hash, hex. */
  hash: string
  account: string
  kind: HistoryKind
  seq: string
  /** Signed transaction envelope, kept until it is applied (resubmitted when queued offline). */
  envelope?: Uint8Array
  to?: string
  amount?: string
  fee: string
  memo?: string
  day?: string
  status: HistoryStatus
  code?: string
  reason?: string
  ledger?: string
  verified?: boolean
  createdAt: number
  updatedAt: number
}

interface WattDB extends DBSchema {
  wallet: { key: string; value: StoredWallet }
  history: { key: string; value: HistoryItem; indexes: { byAccount: string } }
  cache: { key: string; value: unknown }
}

export type AppDB = IDBPDatabase<WattDB>

export const DB_NAME = 'watt-app'
let opening: Promise<AppDB> | undefined

export function appDB(): Promise<AppDB> {
  opening ??= openDB<WattDB>(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore('wallet')
      db.createObjectStore('history', { keyPath: 'hash' }).createIndex('byAccount', 'account')
      db.createObjectStore('cache')
    },
  })
  return opening
}

export async function cacheGet<T>(key: string): Promise<T | undefined> {
  return (await (await appDB()).get('cache', key)) as T | undefined
}

export async function cachePut(key: string, value: unknown): Promise<void> {
  await (await appDB()).put('cache', value, key)
}
