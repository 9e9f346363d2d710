/**
 * The wallet's key at rest (docs/pwa.md §Wallet security): the Ed25519 seed and the recovery phrase,
 * encrypted with a key derived from the person's passphrase, in IndexedDB. Never sent anywhere.
 *
 *   key        = PBKDF2-HMAC-SHA256(passphrase (NFKC), salt = 16 random bytes, 600,000 iterations)
 *   ciphertext = AES-256-GCM(key, iv = 12 random bytes, seed ‖ phrase, AD = "watt-wallet/v1:<address>")
 *
 * 600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet);
 * WebCrypto runs it natively in ~0.3–0.6 s on a phone. The additional data binds the ciphertext to
 * the address shown before unlocking, so a swapped record fails to decrypt rather than unlocking a
 * different key under a familiar address. A wrong passphrase fails GCM's tag check: WrongPassphraseError.
 */
import { accountAddress } from '../../core/crypto/strkey.js'
import { appDB, type StoredWallet } from '../data/db.js'

export const PBKDF2_ITERATIONS = 600_000
export const MIN_PASSPHRASE_LENGTH = 8
const WALLET_KEY = 'main'
const SEED_BYTES = 32

export class WrongPassphraseError extends Error {
  override readonly name = 'WrongPassphraseError'
  constructor() {
    super('That passphrase does not unlock this wallet.')
  }
}

export class WeakPassphraseError extends Error {
  override readonly name = 'WeakPassphraseError'
  constructor() {
    super(`Use a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`)
  }
}

export class NoWalletError extends Error {
  override readonly name = 'NoWalletError'
  constructor() {
    super('There is no wallet on this device.')
  }
}

const enc = new TextEncoder()
const dec = new TextDecoder()
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b)
const aad = (address: string) => enc.encode(`watt-wallet/v1:${address}`)

async function wrappingKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    'raw',
    enc.encode(passphrase.normalize('NFKC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  )
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: ab(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** The stored wallet's public part (address, phrase length), or undefined when there is none. */
export async function storedWallet(): Promise<StoredWallet | undefined> {
  return (await appDB()).get('wallet', WALLET_KEY)
}

/** Encrypt and store a wallet (replacing any other). Returns the stored record. */
export async function saveWallet(
  seed: Uint8Array,
  publicKey: Uint8Array,
  phrase: string,
  passphrase: string,
  options: { backedUp: boolean; iterations?: number },
): Promise<StoredWallet> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new WeakPassphraseError()
  if (seed.length !== SEED_BYTES)
    throw new RangeError(`saveWallet: expected a 32-byte seed, got ${seed.length}`)
  const address = accountAddress(publicKey)
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const iterations = options.iterations ?? PBKDF2_ITERATIONS
  const key = await wrappingKey(passphrase, salt, iterations)
  const plain = new Uint8Array(SEED_BYTES + enc.encode(phrase).length)
  plain.set(seed)
  plain.set(enc.encode(phrase), SEED_BYTES)
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(address) }, key, plain),
  )
  plain.fill(0)
  const record: StoredWallet = {
    v: 1,
    address,
    words: phrase.split(' ').length,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt },
    cipher: { name: 'AES-GCM', iv },
    ciphertext,
    createdAt: Date.now(),
    backedUp: options.backedUp,
  }
  await (await appDB()).put('wallet', record, WALLET_KEY)
  return record
}

/** Decrypt the stored wallet. The caller owns (and should wipe) the returned seed. */
export async function openWallet(
  passphrase: string,
): Promise<{ seed: Uint8Array; phrase: string; record: StoredWallet }> {
  const record = await storedWallet()
  if (!record) throw new NoWalletError()
  const key = await wrappingKey(passphrase, record.kdf.salt, record.kdf.iterations)
  let plain: Uint8Array
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: ab(record.cipher.iv), additionalData: aad(record.address) },
        key,
        ab(record.ciphertext),
      ),
    )
  } catch {
    throw new WrongPassphraseError()
  }
  const seed = plain.slice(0, SEED_BYTES)
  const phrase = dec.decode(plain.subarray(SEED_BYTES))
  plain.fill(0)
  return { seed, phrase, record }
}

export async function markBackedUp(): Promise<void> {
  const db = await appDB()
  const record = await db.get('wallet', WALLET_KEY)
  if (record) await db.put('wallet', { ...record, backedUp: true }, WALLET_KEY)
}

/** Remove the wallet from this device (the recovery phrase is then the only way back). */
export async function forgetWallet(): Promise<void> {
  await (await appDB()).delete('wallet', WALLET_KEY)
}
