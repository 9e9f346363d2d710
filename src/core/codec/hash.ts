/**
 * Hashes and content addresses. SHA-256 everywhere a 32-byte protocol hash is needed (ledger headers,
 * transaction ids, quorum-set hashes, Merkle nodes); the CID of a message is CIDv1 with the DAG-CBOR
 * codec (0x71) and a sha2-256 multihash of its canonical bytes, so headers, transaction sets and
 * envelopes are addressable IPLD blocks.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import type { MessageType } from './message.js'

export const SHA256_CODE = 0x12
export const DAG_CBOR_CODE = 0x71

export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes)
}

/** SHA-256 of a message's canonical encoding. */
export function hashOf<T>(type: MessageType<T>, value: T): Uint8Array {
  return sha256(type.encode(value))
}

/** CIDv1 (dag-cbor, sha2-256) of canonical bytes. */
export function cidOfBytes(bytes: Uint8Array): CID {
  return CID.createV1(DAG_CBOR_CODE, createDigest(SHA256_CODE, sha256(bytes)))
}

export function cidOf<T>(type: MessageType<T>, value: T): CID {
  return cidOfBytes(type.encode(value))
}
