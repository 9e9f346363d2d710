/**
 * Canonical bytes for a schema: the one encoding every hashed or signed Watt structure uses.
 *
 * The wire format is DAG-CBOR (a strict subset: arrays, byte strings, text, integers, booleans,
 * null), so every encoded message is also an IPLD block with a CID (see hash.ts). Decoding is strict
 * in four layers, each with its own named error:
 *   1. size: more than `maxBytes` → MessageTooLargeError, before any parsing;
 *   2. CBOR well-formedness (cborg in strict mode: no indefinite lengths, no undefined, no NaN, no
 *      tags) → MalformedEncodingError;
 *   3. schema (types, field counts, ranges, versions) → SchemaMismatchError / ValueOutOfRangeError /
 *      UnsupportedVersionError;
 *   4. canonical form: the decoded value must re-encode to exactly the input bytes, so there is one
 *      and only one byte string per value (no floats standing in for ints, no non-minimal lengths, no
 *      invalid UTF-8) → NonCanonicalEncodingError.
 */
import { decode as cborDecode, encode as cborEncode } from 'cborg'
import { equalBytes } from './bytes.js'
import {
  type DecodeError,
  MalformedEncodingError,
  MessageTooLargeError,
  NonCanonicalEncodingError,
} from './errors.js'
import type { Codec, Data } from './schema.js'

const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  coerceUndefinedToNull: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: true,
  useMaps: false,
  rejectDuplicateMapKeys: true,
  tags: [],
} as const

const rejectObject = (): never => {
  throw new Error('canonical codec: objects and maps are not part of the Watt data model')
}
const ENCODE_OPTIONS = { typeEncoders: { Object: rejectObject, Map: rejectObject } }

/** Encode data-model values to CBOR bytes. Exposed for codec tests; normal code uses a MessageType. */
export function encodeData(data: Data): Uint8Array {
  return cborEncode(data, ENCODE_OPTIONS)
}

/** Parse CBOR bytes to data-model values (layer 2 only). */
export function decodeData(bytes: Uint8Array, what: string): Data {
  try {
    return cborDecode(bytes, DECODE_OPTIONS) as Data
  } catch (err) {
    // cborg throws plain Errors; a hostile nesting depth surfaces as a RangeError (stack overflow).
    const msg = err instanceof Error ? err.message : String(err)
    throw new MalformedEncodingError(what, `malformed CBOR: ${msg.replace(/^CBOR decode error: /, '')}`)
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError }

export interface MessageType<T> {
  /** The message's name, used in errors and docs. */
  readonly name: string
  /** Largest encoding accepted by `decode`; chosen per type and listed in docs/limits.md. */
  readonly maxBytes: number
  readonly codec: Codec<T>
  encode(value: T): Uint8Array
  /** Decode untrusted bytes. Throws a named `DecodeError`. */
  decode(bytes: Uint8Array): T
  /** Decode untrusted bytes without throwing: for peer input. */
  tryDecode(bytes: Uint8Array): DecodeResult<T>
}

/** Define a top-level message type: a codec plus its size limit. */
export function messageType<T>(name: string, codec: Codec<T>, maxBytes: number): MessageType<T> {
  const type: MessageType<T> = {
    name,
    maxBytes,
    codec,
    encode(value) {
      return encodeData(codec.toData(value, name))
    },
    decode(bytes) {
      if (bytes.length > maxBytes) throw new MessageTooLargeError(bytes.length, maxBytes, name)
      const value = codec.fromData(decodeData(bytes, name), name)
      if (!equalBytes(type.encode(value), bytes)) {
        throw new NonCanonicalEncodingError(name, 'not the canonical encoding of its value')
      }
      return value
    },
    tryDecode(bytes) {
      try {
        return { ok: true, value: type.decode(bytes) }
      } catch (err) {
        if (isDecodeError(err)) return { ok: false, error: err }
        throw err
      }
    },
  }
  return type
}

const DECODE_ERROR_NAMES = new Set([
  'MessageTooLargeError',
  'MalformedEncodingError',
  'NonCanonicalEncodingError',
  'SchemaMismatchError',
  'ValueOutOfRangeError',
  'UnsupportedVersionError',
])

/** True for every named decoding error (checked by name, so it works across realms). */
export function isDecodeError(err: unknown): err is DecodeError {
  return err instanceof Error && DECODE_ERROR_NAMES.has(err.name)
}
