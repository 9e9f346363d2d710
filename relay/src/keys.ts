/**
 * Key files: a validator's secret seed in StrKey text (`S…`), one line, mode 0600. The seed never
 * leaves the file except into the signer; logs show only the validator id.
 */

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseSecretSeed, secretSeedText } from '../../src/core/crypto/strkey.js'

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError'
}

export function readSeedFile(path: string): Uint8Array {
  if (!existsSync(path))
    throw new KeyFileError(`${path}: no key file (create one with \`watt-relay keys new --out ${path}\`)`)
  const text = readFileSync(path, 'utf8').trim()
  try {
    return parseSecretSeed(text)
  } catch (err) {
    throw new KeyFileError(`${path}: ${(err as Error).message}`)
  }
}

export function writeSeedFile(path: string, seed: Uint8Array = randomBytes(32)): Uint8Array {
  if (existsSync(path)) throw new KeyFileError(`${path} exists: refusing to overwrite a key`)
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, `${secretSeedText(seed)}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
  return seed
}
