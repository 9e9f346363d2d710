/**
 * Human-safe text form of keys (modelled on Stellar's StrKey, SEP-23):
 *
 *   base32( versionByte ‖ payload(32) ‖ crc16-xmodem(versionByte ‖ payload), little-endian )
 *
 * RFC 4648 base32 without padding; 35 bytes give exactly 56 characters. The version byte fixes the
 * first character, so the kind of key is visible and checked: an account address starts with `W`, a
 * validator id with `V`, a secret seed with `S`. CRC16 detects every single-character typo and every
 * swap of adjacent characters (both are bursts of ≤ 16 bits). Decoding is strict: no lowercase, no
 * padding, no whitespace, exact length, the expected kind.
 */
import { concatBytes } from '../codec/bytes.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]))

/** Version bytes: (letter index << 3), so the first character is the letter. */
export const KeyKind = {
  account: 22 << 3, // 'W'
  validator: 21 << 3, // 'V'
  secretSeed: 18 << 3, // 'S'
} as const
export type KeyKindName = keyof typeof KeyKind

const KIND_BY_BYTE = new Map<number, KeyKindName>(
  (Object.entries(KeyKind) as [KeyKindName, number][]).map(([k, v]) => [v, k]),
)
const KIND_LABEL: Record<KeyKindName, string> = {
  account: 'an account address (W…)',
  validator: 'a validator id (V…)',
  secretSeed: 'a secret seed (S…)',
}

export type StrKeyProblem = 'wrong-length' | 'bad-character' | 'bad-checksum' | 'wrong-kind' | 'unknown-kind'

/** A text key that does not decode. `problem` is stable; the message is for people. */
export class InvalidStrKeyError extends Error {
  override readonly name = 'InvalidStrKeyError'
  constructor(
    readonly problem: StrKeyProblem,
    message: string,
  ) {
    super(message)
  }
}

/** CRC-16/XMODEM (poly 0x1021, init 0), as in StrKey. */
export function crc16xmodem(bytes: Uint8Array): number {
  let crc = 0
  for (const b of bytes) {
    crc ^= b << 8
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc
}

function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const b of bytes) {
    buffer = (buffer << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31]!
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]!
  return out
}

function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8))
  let buffer = 0
  let bits = 0
  let o = 0
  for (const c of text) {
    const v = INDEX.get(c)
    if (v === undefined) return undefined
    buffer = ((buffer << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      out[o++] = (buffer >>> (bits - 8)) & 255
      bits -= 8
    }
  }
  return out
}

export function encodeStrKey(kind: KeyKindName, payload: Uint8Array): string {
  if (payload.length !== 32)
    throw new RangeError(`encodeStrKey: expected a 32-byte key, got ${payload.length}`)
  const body = concatBytes(Uint8Array.of(KeyKind[kind]), payload)
  const crc = crc16xmodem(body)
  return base32Encode(concatBytes(body, Uint8Array.of(crc & 255, crc >> 8)))
}

/** Decode a text key of the expected kind. Throws `InvalidStrKeyError` with a specific problem. */
export function decodeStrKey(expected: KeyKindName, text: string): Uint8Array {
  if (typeof text !== 'string' || text.length !== 56) {
    throw new InvalidStrKeyError(
      'wrong-length',
      `expected ${KIND_LABEL[expected]} of 56 characters, got ${typeof text === 'string' ? text.length : typeof text}`,
    )
  }
  const raw = base32Decode(text)
  if (!raw) {
    throw new InvalidStrKeyError(
      'bad-character',
      `expected ${KIND_LABEL[expected]}: only A–Z and 2–7 are allowed`,
    )
  }
  const body = raw.subarray(0, 33)
  const crc = raw[33]! | (raw[34]! << 8)
  if (crc16xmodem(body) !== crc) {
    throw new InvalidStrKeyError(
      'bad-checksum',
      `${KIND_LABEL[expected]} has a bad checksum: check for a typo`,
    )
  }
  const kind = KIND_BY_BYTE.get(body[0]!)
  if (kind === undefined)
    throw new InvalidStrKeyError('unknown-kind', `expected ${KIND_LABEL[expected]}, got an unknown key kind`)
  if (kind !== expected) {
    throw new InvalidStrKeyError('wrong-kind', `expected ${KIND_LABEL[expected]}, got ${KIND_LABEL[kind]}`)
  }
  return body.slice(1)
}

/** Which kind of key a text is, or undefined if it is not a valid text key of any kind. */
export function strKeyKind(text: string): KeyKindName | undefined {
  const kind = KIND_BY_BYTE.get(INDEX.get(text[0] ?? '') === undefined ? -1 : INDEX.get(text[0]!)! << 3)
  if (!kind) return undefined
  try {
    decodeStrKey(kind, text)
    return kind
  } catch {
    return undefined
  }
}

export const accountAddress = (publicKey: Uint8Array): string => encodeStrKey('account', publicKey)
export const validatorId = (publicKey: Uint8Array): string => encodeStrKey('validator', publicKey)
export const secretSeedText = (seed: Uint8Array): string => encodeStrKey('secretSeed', seed)
export const parseAccountAddress = (text: string): Uint8Array => decodeStrKey('account', text)
export const parseValidatorId = (text: string): Uint8Array => decodeStrKey('validator', text)
export const parseSecretSeed = (text: string): Uint8Array => decodeStrKey('secretSeed', text)
