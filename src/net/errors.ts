/**
 * Named errors of the network layer. Callers compare `err.name` (stable across workers and realms),
 * never `instanceof`. Each class says when it is thrown.
 */

/** Error codes a responder puts in the status byte of a response (docs/net.md §Error codes). */
export type ErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'rate_limited'
  | 'busy'
  | 'too_large'
  | 'internal'
  | 'unavailable'
  | 'timeout'

/**
 * A request or response is larger than the limit of its protocol (src/net/protocols.ts).
 *
 * Thrown on the requester when its own request is too large (nothing is sent), when the response's
 * length prefix exceeds the response limit (the stream is reset before the body is read), or when
 * the responder answered `too_large` to the request (`remote` is then true).
 */
export class MessageTooLargeError extends Error {
  static override readonly name: string = 'MessageTooLargeError'
  override readonly name = 'MessageTooLargeError'
  constructor(
    /** Which message was too large. */
    readonly which: 'request' | 'response',
    /** Its size in bytes (-1 when the remote refused it without saying). */
    readonly size: number,
    /** The limit it broke (-1 when only the remote knows it). */
    readonly limit: number,
    readonly protocol: string,
    /** True when the remote refused our request; false when we refused locally. */
    readonly remote = false,
  ) {
    super(
      remote
        ? `${protocol}: the remote refused a ${size}-byte request as too large`
        : `${protocol}: ${which} of ${size} bytes exceeds the limit of ${limit} bytes`,
    )
  }
}

/** No complete response arrived within the request's timeout. The stream has been reset. */
export class RequestTimeoutError extends Error {
  static override readonly name: string = 'RequestTimeoutError'
  override readonly name = 'RequestTimeoutError'
  constructor(
    readonly protocol: string,
    readonly timeoutMs: number,
  ) {
    super(`${protocol}: no response within ${timeoutMs} ms`)
  }
}

/** The caller's `signal` aborted the operation. */
export class AbortError extends Error {
  static override readonly name: string = 'AbortError'
  override readonly name = 'AbortError'
  constructor(message = 'the operation was aborted') {
    super(message)
  }
}

/**
 * The remote answered with an error status. `code` is the remote's code; `detail` its short
 * (≤ 256 bytes) free-text explanation, for logs only: never branch on it.
 */
export class RemoteError extends Error {
  static override readonly name: string = 'RemoteError'
  override readonly name: string = 'RemoteError'
  constructor(
    readonly protocol: string,
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(`${protocol}: remote error ${code}${detail ? `: ${detail}` : ''}`)
  }
}

/**
 * The remote refused the request because this peer is over its request rate (`rate_limited`) or has
 * too many requests in flight on the protocol (`busy`). Back off before retrying.
 */
export class RateLimitedError extends RemoteError {
  static override readonly name: string = 'RateLimitedError'
  override readonly name = 'RateLimitedError'
}

/** The response was not a well-formed frame (empty, unknown status byte, stream ended early). */
export class InvalidResponseError extends Error {
  static override readonly name: string = 'InvalidResponseError'
  override readonly name = 'InvalidResponseError'
}

/**
 * The request could not be carried: the dial failed, the protocol is not supported by the remote,
 * or the stream was reset. `cause` holds libp2p's error (whose name is in the message).
 */
export class RequestFailedError extends Error {
  static override readonly name: string = 'RequestFailedError'
  override readonly name = 'RequestFailedError'
  constructor(protocol: string, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
    super(`${protocol}: request failed (${inner})`, { cause })
  }
}

/**
 * Thrown by a request handler to answer with a specific error code, e.g.
 * `throw new RequestError('not_found', 'no ledger 42')`. Any other exception from a handler is
 * answered with `internal` (and logged), except the codec's named decode errors, which become
 * `bad_request`.
 */
export class RequestError extends Error {
  static override readonly name: string = 'RequestError'
  override readonly name = 'RequestError'
  constructor(
    readonly code: Exclude<ErrorCode, 'rate_limited' | 'busy' | 'too_large'>,
    detail = '',
  ) {
    super(detail || code)
  }
}

/** A service was used before `start()` or after `stop()`. */
export class NotStartedError extends Error {
  static override readonly name: string = 'NotStartedError'
  override readonly name = 'NotStartedError'
}

/** A persisted key file exists but does not hold a valid libp2p private key. */
export class InvalidKeyFileError extends Error {
  static override readonly name: string = 'InvalidKeyFileError'
  override readonly name = 'InvalidKeyFileError'
}
