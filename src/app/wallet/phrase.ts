/**
 * Recovery phrases and the key they make (loaded lazily: the word list and hashing are not needed
 * for first paint).
 *
 *   phrase ──BIP-39 (PBKDF2-HMAC-SHA512, 2048 rounds, empty passphrase)──▶ 64-byte seed
 *          ──SLIP-0010 ed25519, path m/44'/1463899220'/0'──▶ 32-byte Ed25519 seed (the account key)
 *
 * BIP-39 (github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) via @scure/bip39, English list;
 * SLIP-0010 (github.com/satoshilabs/slips/blob/master/slip-0010.md) is what Stellar's SEP-0005 uses for
 * Ed25519 keys (all levels hardened). 1463899220 = 0x57415454, "WATT" in ASCII: Watt has no SLIP-0044
 * coin type, and this value keeps Watt keys apart from any other chain's keys made from the same phrase.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { generateMnemonic, mnemonicToSeedWebcrypto, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'

export const WATT_COIN_TYPE = 0x57415454
export const DERIVATION_PATH = [44, WATT_COIN_TYPE, 0] as const
const HARDENED = 0x80000000

export type PhraseLength = 12 | 24

/** A new phrase from the platform's CSPRNG (128 bits of entropy for 12 words, 256 for 24). */
export function newPhrase(words: PhraseLength = 12): string {
  return generateMnemonic(wordlist, words === 24 ? 256 : 128)
}

/** Normalise what a person typed or pasted: lower case, single spaces, no numbering or commas. */
export function normalisePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b\d+[.):]\s*/g, ' ')
    .replace(/[^a-z]+/g, ' ')
    .trim()
}

export type PhraseProblem =
  | { kind: 'length'; count: number }
  | { kind: 'unknown-words'; words: string[] }
  | { kind: 'checksum' }

/** Why a phrase is not a valid recovery phrase, or undefined when it is. */
export function phraseProblem(phrase: string): PhraseProblem | undefined {
  const words = normalisePhrase(phrase).split(' ').filter(Boolean)
  if (words.length !== 12 && words.length !== 24) return { kind: 'length', count: words.length }
  const known = new Set(wordlist)
  const unknown = words.filter((w) => !known.has(w))
  if (unknown.length > 0) return { kind: 'unknown-words', words: unknown }
  if (!validateMnemonic(words.join(' '), wordlist)) return { kind: 'checksum' }
  return undefined
}

/** Words of the list that start with `prefix` (for autocompletion while typing). */
export function wordsStartingWith(prefix: string, limit = 6): string[] {
  const p = prefix.toLowerCase()
  if (!p) return []
  const out: string[] = []
  for (const w of wordlist) {
    if (w.startsWith(p)) out.push(w)
    if (out.length >= limit) break
  }
  return out
}

/** SLIP-0010 ed25519 derivation along hardened `path` from a BIP-39 seed: the 32-byte private key. */
export function slip10Ed25519(
  seed: Uint8Array,
  path: readonly number[],
): { key: Uint8Array; chainCode: Uint8Array } {
  let I = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed)
  let key = I.slice(0, 32)
  let chainCode = I.slice(32)
  for (const index of path) {
    const data = new Uint8Array(37)
    data.set(key, 1)
    new DataView(data.buffer).setUint32(33, (index | HARDENED) >>> 0)
    I = hmac(sha512, chainCode, data)
    key.fill(0)
    key = I.slice(0, 32)
    chainCode = I.slice(32)
  }
  return { key, chainCode }
}

/** The account's Ed25519 seed for a (valid) recovery phrase. */
export async function keyFromPhrase(phrase: string): Promise<Uint8Array> {
  const bip39Seed = await mnemonicToSeedWebcrypto(normalisePhrase(phrase))
  const { key, chainCode } = slip10Ed25519(bip39Seed, DERIVATION_PATH)
  bip39Seed.fill(0)
  chainCode.fill(0)
  return key
}
