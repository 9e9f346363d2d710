/**
 * The memory-hard anti-spam puzzles of check-in and account creation (PRODUCT §4.4).
 *
 * A solution is a nonce such that Argon2id(password = challenge, salt = "watt-pzl" ‖ u64be(nonce))
 * starts with `difficultyBits` zero bits. The challenge binds the puzzle to the network, the account,
 * the mining day and that day's beacon (the hash of the last ledger before the day began), so it
 * cannot be precomputed before the day starts, nor reused by another account or on another day.
 * Solving takes 2^difficultyBits Argon2id evaluations on average; verifying takes one.
 *
 * Argon2id itself is injected (hash-wasm in browsers and on the relay): this module stays pure.
 */
import type { AbortSignalLike } from '../abort.js'
import { concatBytes, u64be, utf8 } from '../codec/bytes.js'
import { sha256 } from '../codec/hash.js'

export interface PuzzleParams {
  /** Argon2id memory per evaluation, KiB. */
  memoryKiB: number
  /** Leading zero bits required of the Argon2id output. */
  difficultyBits: number
}

/** Argon2id with t = 1, p = 1 and a 32-byte output (RFC 9106 parameters: m = memoryKiB). */
export type Argon2id = (password: Uint8Array, salt: Uint8Array, memoryKiB: number) => Promise<Uint8Array>

const SALT_PREFIX = utf8('watt-pzl')
const CHECKIN_DOMAIN = utf8('watt/puzzle/check-in/v1')
const CREATE_DOMAIN = utf8('watt/puzzle/create-account/v1')

export function checkInChallenge(
  networkId: Uint8Array,
  account: Uint8Array,
  day: bigint,
  beacon: Uint8Array,
): Uint8Array {
  return sha256(concatBytes(CHECKIN_DOMAIN, networkId, account, u64be(day), beacon))
}

export function createAccountChallenge(
  networkId: Uint8Array,
  account: Uint8Array,
  day: bigint,
  beacon: Uint8Array,
): Uint8Array {
  return sha256(concatBytes(CREATE_DOMAIN, networkId, account, u64be(day), beacon))
}

export function puzzleSalt(nonce: bigint): Uint8Array {
  return concatBytes(SALT_PREFIX, u64be(nonce))
}

/** True when the first `bits` bits of `hash` are zero. */
export function meetsDifficulty(hash: Uint8Array, bits: number): boolean {
  let i = 0
  for (; bits >= 8; bits -= 8, i++) if (hash[i] !== 0) return false
  return bits === 0 || hash[i]! >> (8 - bits) === 0
}

export async function verifyPuzzle(
  argon2id: Argon2id,
  challenge: Uint8Array,
  nonce: bigint,
  params: PuzzleParams,
): Promise<boolean> {
  const out = await argon2id(challenge, puzzleSalt(nonce), params.memoryKiB)
  return meetsDifficulty(out, params.difficultyBits)
}

export interface SolveOptions {
  signal?: AbortSignalLike
  /** First nonce tried (pick it at random so two devices do not race the same sequence). */
  startNonce?: bigint
  /** Called after every attempt with the number of attempts so far. */
  onAttempt?: (attempts: number) => void
}

/** Search nonces until one meets the difficulty. Expected 2^difficultyBits attempts. */
export async function solvePuzzle(
  argon2id: Argon2id,
  challenge: Uint8Array,
  params: PuzzleParams,
  options: SolveOptions = {},
): Promise<{ nonce: bigint; attempts: number }> {
  let nonce = options.startNonce ?? 0n
  for (let attempts = 1; ; attempts++) {
    options.signal?.throwIfAborted()
    const out = await argon2id(challenge, puzzleSalt(nonce), params.memoryKiB)
    options.onAttempt?.(attempts)
    if (meetsDifficulty(out, params.difficultyBits)) return { nonce, attempts }
    nonce = (nonce + 1n) & 0xffffffffffffffffn
  }
}
