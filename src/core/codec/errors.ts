/**
 * Named decoding errors of the canonical codec.
 *
 * Every rejection of untrusted bytes is one of these classes. Each has a stable `name` (tests and
 * callers compare `err.name`, which survives worker and realm boundaries, unlike `instanceof`) and a
 * `path` that says where in the message the problem is (`Transaction.operations[2].amount`).
 */

/** Base of every decoding failure. Never thrown directly. */
export abstract class DecodeError extends Error {
  readonly path: string
  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message)
    this.path = path
  }
}

/** The input is longer than the limit set for its message type. Checked before any parsing. */
export class MessageTooLargeError extends DecodeError {
  override readonly name = 'MessageTooLargeError'
  constructor(
    readonly size: number,
    readonly limit: number,
    what: string,
  ) {
    super('', `${what}: ${size} bytes exceeds the limit of ${limit} bytes`)
  }
}

/** The bytes are not well-formed CBOR (truncated, bad major type, nesting too deep, ...). */
export class MalformedEncodingError extends DecodeError {
  override readonly name = 'MalformedEncodingError'
}

/** Well-formed CBOR, but not the one canonical encoding of its value (non-minimal ints, trailing bytes, ...). */
export class NonCanonicalEncodingError extends DecodeError {
  override readonly name = 'NonCanonicalEncodingError'
}

/** A value has the wrong CBOR type, a struct has the wrong number of fields, a tag is unknown. */
export class SchemaMismatchError extends DecodeError {
  override readonly name = 'SchemaMismatchError'
}

/** A value has the right type but is outside its allowed range (integer bounds, lengths, list sizes). */
export class ValueOutOfRangeError extends DecodeError {
  override readonly name = 'ValueOutOfRangeError'
}

/** A versioned message carries a version this code does not know. */
export class UnsupportedVersionError extends DecodeError {
  override readonly name = 'UnsupportedVersionError'
}

/** A value given to an encoder does not fit its schema: a programming error, not peer input. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError'
}
