/**
 * The relay's persistent libp2p identity (Node only): an Ed25519 private key in libp2p's protobuf
 * encoding, in a file readable by its owner only. The PeerId other validators and browsers dial
 * (`…/p2p/12D3KooW…`) is derived from it, so it must survive restarts.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { AbortOptions, PrivateKey } from '@libp2p/interface'
import { InvalidKeyFileError } from './errors.js'

/**
 * Load the key at `path`, or create it (and its directory) if the file does not exist. A file that
 * exists but does not decode is an error (InvalidKeyFileError), never silently replaced: a new key
 * would be a new PeerId that the other validators do not know.
 */
export async function loadOrCreatePeerKey(path: string, options: AbortOptions = {}): Promise<PrivateKey> {
  options.signal?.throwIfAborted()
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path, options.signal ? { signal: options.signal } : {})
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch (err) {
      throw new InvalidKeyFileError(
        `${path}: not a libp2p private key (${err instanceof Error ? err.message : String(err)})`,
      )
    }
  }
  const key = await generateKeyPair('Ed25519')
  await writeKeyFile(path, privateKeyToProtobuf(key))
  return key
}

/** Write atomically (temp file + rename) with mode 0600, so a crash never leaves half a key. */
async function writeKeyFile(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const tmp = `${path}.${process.pid}.tmp`
  const file = await open(tmp, 'wx', 0o600)
  try {
    await file.writeFile(bytes)
    await file.sync()
  } finally {
    await file.close()
  }
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
