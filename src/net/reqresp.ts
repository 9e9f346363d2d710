/**
 * Request/response over libp2p streams: one stream per request, one length-prefixed message each way
 * (docs/net.md §Request/response).
 *
 *   request:  varint(n) ‖ body                      (n ≤ maxRequestBytes; then the requester closes)
 *   response: varint(n) ‖ status u8 ‖ payload      (payload ≤ maxResponseBytes; then the responder closes)
 *
 * Status 0 is success; any other value is an error code (`ERROR_CODES`) and the payload is a short
 * UTF-8 detail for logs. Both sides enforce the protocol's limits (src/net/protocols.ts): a length
 * prefix over the limit resets the stream before the body is read, so neither side ever buffers more
 * than the limit. The responder also applies a per-(peer, protocol) token bucket and a cap on
 * concurrent requests per peer, bounds every phase by a deadline, and turns every failure — of the
 * peer or of its own handler — into an error response or a reset, never an exception out of the node.
 */
import type { AbortOptions, Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { isDecodeError } from '../core/codec/index.js'
import {
  AbortError,
  type ErrorCode,
  InvalidResponseError,
  MessageTooLargeError,
  NotStartedError,
  RateLimitedError,
  RemoteError,
  RequestFailedError,
  RequestTimeoutError,
} from './errors.js'
import { FrameTooLargeError, readFrame, writeFrame } from './frame.js'
import { errorText, type Logger, type LoggerFactory, silentLogger } from './log.js'
import {
  MAX_ERROR_DETAIL_BYTES,
  PROTOCOL_LIMITS,
  type ProtocolLimits,
  type ProtocolName,
  protocolNameOf,
  REQUEST_READ_TIMEOUT_MS,
} from './protocols.js'
import { TokenBuckets } from './rate-limit.js'

/** Status byte values. 0 is success; the rest are error codes, fixed forever (append only). */
export const STATUS_OK = 0
export const ERROR_CODES: Readonly<Record<ErrorCode, number>> = {
  bad_request: 1,
  not_found: 2,
  rate_limited: 3,
  busy: 4,
  too_large: 5,
  internal: 6,
  unavailable: 7,
  timeout: 8,
}
const CODE_BY_STATUS = new Map<number, ErrorCode>(
  Object.entries(ERROR_CODES).map(([code, status]) => [status, code as ErrorCode]),
)

/** Answers one request. Throw `RequestError` to choose the error code (see errors.ts). */
export type RequestHandler = (
  request: Uint8Array,
  peer: PeerId,
  options: { signal: AbortSignal },
) => Promise<Uint8Array>

export interface RequestOptions extends AbortOptions {
  /** Deadline for the whole exchange; defaults to the protocol's `timeoutMs`. */
  timeoutMs?: number
  /** Size limits for a protocol that is not in PROTOCOL_LIMITS (or to override them for this call). */
  limits?: Partial<ProtocolLimits>
}

export interface HandleOptions {
  /** Limits for this protocol, over the defaults (required for a protocol not in PROTOCOL_LIMITS). */
  limits?: Partial<ProtocolLimits>
}

/** Counters for metrics; all monotonic except `inflight`. */
export interface ReqRespStats {
  /** Requests answered with a success status. */
  served: number
  /** Requests answered with an error status by the handler (incl. `internal` and `timeout`). */
  failed: number
  refusedRateLimited: number
  refusedBusy: number
  refusedTooLarge: number
  /** Inbound streams dropped because the request was malformed, truncated or too slow. */
  malformed: number
  /** Inbound requests being handled now. */
  inflight: number
}

export interface ReqResp {
  /** Serve `protocol` with `handler`. Replaces an earlier handler of the same protocol. */
  handle(protocol: string, handler: RequestHandler, options?: HandleOptions): Promise<void>
  unhandle(protocol: string): Promise<void>
  /**
   * Send one request and return the success payload. Throws (by `err.name`): MessageTooLargeError,
   * RequestTimeoutError, AbortError, RemoteError (with the remote's `code`), RateLimitedError,
   * InvalidResponseError, RequestFailedError, NotStartedError.
   */
  request(
    peer: PeerId | Multiaddr,
    protocol: string,
    request: Uint8Array,
    options?: RequestOptions,
  ): Promise<Uint8Array>
  /** The limits in force for a protocol on this node (with `extra` over them). */
  limitsFor(protocol: string, extra?: Partial<ProtocolLimits>): ProtocolLimits
  stats(): ReqRespStats
  start(): void
  /** Unregister every handler and abort every request and handler in flight. */
  stop(): Promise<void>
}

/** The part of a libp2p node this service uses. */
export type ReqRespNode = Pick<Libp2p, 'handle' | 'unhandle' | 'dialProtocol'>

export interface ReqRespInit {
  node: ReqRespNode
  /** Overrides of the default limits, per protocol name (tests, devnet tuning). */
  limits?: Partial<Record<ProtocolName, Partial<ProtocolLimits>>>
  log?: LoggerFactory
  /** Clock for the rate limiter, in ms (tests). */
  now?: () => number
}

export function createReqResp(init: ReqRespInit): ReqResp {
  return new ReqRespService(init)
}

class ReqRespService implements ReqResp {
  readonly #node: ReqRespNode
  readonly #overrides: ReqRespInit['limits']
  readonly #log: Logger
  readonly #buckets: TokenBuckets
  readonly #inflight = new Map<string, number>()
  readonly #handled = new Map<string, { handler: RequestHandler; limits: ProtocolLimits }>()
  readonly #stats: ReqRespStats = {
    served: 0,
    failed: 0,
    refusedRateLimited: 0,
    refusedBusy: 0,
    refusedTooLarge: 0,
    malformed: 0,
    inflight: 0,
  }
  #shutdown = new AbortController()
  #started = false

  constructor(init: ReqRespInit) {
    this.#node = init.node
    this.#overrides = init.limits
    this.#log = (init.log ?? silentLogger)('net:reqresp')
    this.#buckets = new TokenBuckets(init.now ? { now: init.now } : {})
  }

  start(): void {
    if (this.#started) return
    this.#shutdown = new AbortController()
    this.#started = true
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#shutdown.abort(new AbortError('reqresp stopped'))
    const protocols = [...this.#handled.keys()]
    this.#handled.clear()
    await Promise.all(protocols.map((p) => this.#node.unhandle(p).catch(() => {})))
  }

  stats(): ReqRespStats {
    return { ...this.#stats }
  }

  limitsFor(protocol: string, extra?: Partial<ProtocolLimits>): ProtocolLimits {
    const name = protocolNameOf(protocol)
    const merged = {
      ...(name ? PROTOCOL_LIMITS[name] : {}),
      ...(name ? this.#overrides?.[name] : {}),
      ...extra,
    } as Partial<ProtocolLimits>
    const keys: (keyof ProtocolLimits)[] = [
      'maxRequestBytes',
      'maxResponseBytes',
      'timeoutMs',
      'ratePerSecond',
      'burst',
      'maxConcurrentPerPeer',
    ]
    for (const k of keys) {
      const v = merged[k]
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new RangeError(`reqresp: no valid limit ${k} for protocol ${protocol}; pass options.limits`)
      }
    }
    return merged as ProtocolLimits
  }

  async handle(protocol: string, handler: RequestHandler, options: HandleOptions = {}): Promise<void> {
    if (!this.#started) throw new NotStartedError('reqresp.handle: call start() first')
    const limits = this.limitsFor(protocol, options.limits)
    const replacing = this.#handled.has(protocol)
    this.#handled.set(protocol, { handler, limits })
    if (replacing) return
    await this.#node.handle(protocol, (stream, connection) => this.#onStream(protocol, stream, connection), {
      // libp2p's own per-connection cap sits above ours, so a peer over our cap gets a `busy` answer
      // and only a peer far over it gets a bare reset from libp2p.
      maxInboundStreams: limits.maxConcurrentPerPeer * 2,
    })
  }

  async unhandle(protocol: string): Promise<void> {
    if (!this.#handled.delete(protocol)) return
    await this.#node.unhandle(protocol)
  }

  // ---------------------------------------------------------------------------------------------
  // Responder

  async #onStream(protocol: string, stream: Stream, connection: Connection): Promise<void> {
    const entry = this.#handled.get(protocol)
    if (entry === undefined || !this.#started) {
      stream.abort(new Error('not serving'))
      return
    }
    const { handler, limits } = entry
    const peer = connection.remotePeer
    const key = `${peer.toString()}\n${protocol}`
    const fields = { peer: peer.toString(), protocol }

    const inflight = this.#inflight.get(key) ?? 0
    if (inflight >= limits.maxConcurrentPerPeer) {
      this.#stats.refusedBusy++
      this.#log.debug('refused: too many concurrent requests', fields)
      await this.#refuse(stream, 'busy', `at most ${limits.maxConcurrentPerPeer} in flight`)
      return
    }
    if (!this.#buckets.take(key, limits)) {
      this.#stats.refusedRateLimited++
      this.#log.debug('refused: rate limited', fields)
      await this.#refuse(stream, 'rate_limited', `at most ${limits.ratePerSecond}/s`)
      return
    }

    this.#inflight.set(key, inflight + 1)
    this.#stats.inflight++
    const shutdown = this.#shutdown.signal
    try {
      let request: Uint8Array
      try {
        const read = AbortSignal.any([shutdown, AbortSignal.timeout(REQUEST_READ_TIMEOUT_MS)])
        request = await readFrame(stream, limits.maxRequestBytes, read)
      } catch (err) {
        if (err instanceof Error && err.name === 'FrameTooLargeError') {
          this.#stats.refusedTooLarge++
          this.#log.debug('refused: request too large', { ...fields, error: errorText(err) })
          await this.#refuse(stream, 'too_large', `limit ${limits.maxRequestBytes} bytes`)
        } else {
          this.#stats.malformed++
          this.#log.debug('dropped: malformed or missing request', { ...fields, error: errorText(err) })
          stream.abort(err instanceof Error ? err : new Error(String(err)))
        }
        return
      }

      const signal = AbortSignal.any([shutdown, AbortSignal.timeout(limits.timeoutMs)])
      let frame: Uint8Array[]
      try {
        const response = await raceAbort(
          Promise.resolve().then(() => handler(request, peer, { signal })),
          signal,
        )
        if (!(response instanceof Uint8Array)) throw new TypeError('handler returned a non-Uint8Array')
        if (response.length > limits.maxResponseBytes) {
          // A bug of ours, not the peer's: say so in our log, answer `internal`.
          this.#log.error('handler response exceeds the protocol limit', {
            ...fields,
            size: response.length,
            limit: limits.maxResponseBytes,
          })
          frame = errorFrame('internal', 'response too large')
          this.#stats.failed++
        } else {
          frame = [OK_BYTE, response]
          this.#stats.served++
        }
      } catch (err) {
        const { code, detail } = this.#classify(err, signal, fields)
        frame = errorFrame(code, detail)
        this.#stats.failed++
      }
      const write = AbortSignal.any([shutdown, AbortSignal.timeout(limits.timeoutMs)])
      await writeFrame(stream, frame, { signal: write })
      await stream.close({ signal: write })
    } catch (err) {
      // The peer went away or stalled while we answered: nothing to tell it.
      this.#log.debug('response not delivered', { ...fields, error: errorText(err) })
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    } finally {
      const n = (this.#inflight.get(key) ?? 1) - 1
      if (n <= 0) this.#inflight.delete(key)
      else this.#inflight.set(key, n)
      this.#stats.inflight--
    }
  }

  #classify(
    err: unknown,
    signal: AbortSignal,
    fields: Record<string, string>,
  ): { code: ErrorCode; detail: string } {
    if (this.#shutdown.signal.aborted) return { code: 'unavailable', detail: 'shutting down' }
    if (signal.aborted) {
      this.#log.warn('handler timed out', fields)
      return { code: 'timeout', detail: 'handler timed out' }
    }
    if (err instanceof Error && err.name === 'RequestError') {
      const code = (err as { code?: unknown }).code
      if (typeof code === 'string' && code in ERROR_CODES)
        return { code: code as ErrorCode, detail: err.message }
    }
    if (isDecodeError(err)) return { code: 'bad_request', detail: err.message }
    this.#log.error('handler failed', { ...fields, error: errorText(err) })
    return { code: 'internal', detail: 'internal error' }
  }

  /**
   * Answer with an error without reading the request, then end the stream. The request's bytes are
   * discarded as they arrive. A peer that is still sending after REFUSE_GRACE_MS (a request far over
   * the limit, or one that never ends) is reset; one that finishes its request and closes gets a
   * clean close. (Resetting at once would race the requester's protocol negotiation, which can
   * still be settling when our answer arrives, and lose the answer.)
   */
  async #refuse(stream: Stream, code: ErrorCode, detail: string): Promise<void> {
    stream.addEventListener('message', () => {})
    try {
      const signal = AbortSignal.any([this.#shutdown.signal, AbortSignal.timeout(REFUSE_GRACE_MS)])
      await writeFrame(stream, errorFrame(code, detail), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    if (stream.remoteWriteStatus !== 'writable') return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        stream.removeEventListener('remoteCloseWrite', done)
        stream.removeEventListener('close', done)
        resolve()
      }
      const timer = setTimeout(done, REFUSE_GRACE_MS)
      stream.addEventListener('remoteCloseWrite', done)
      stream.addEventListener('close', done)
    })
    if (stream.status === 'open' || stream.status === 'closing') stream.abort(new Error(`refused: ${code}`))
  }

  // ---------------------------------------------------------------------------------------------
  // Requester

  async request(
    peer: PeerId | Multiaddr,
    protocol: string,
    request: Uint8Array,
    options: RequestOptions = {},
  ): Promise<Uint8Array> {
    if (!this.#started) throw new NotStartedError('reqresp.request: call start() first')
    const limits = this.limitsFor(protocol, options.limits)
    if (request.length > limits.maxRequestBytes) {
      throw new MessageTooLargeError('request', request.length, limits.maxRequestBytes, protocol)
    }
    if (options.signal?.aborted) throw new AbortError()
    const timeoutMs = options.timeoutMs ?? limits.timeoutMs
    const timeout = AbortSignal.timeout(timeoutMs)
    const signals: AbortSignal[] = [timeout, this.#shutdown.signal]
    if (options.signal) signals.push(options.signal as AbortSignal)
    const signal = AbortSignal.any(signals)

    let stream: Stream | undefined
    try {
      stream = await this.#node.dialProtocol(peer, protocol, { signal })
      // Listen before writing: a responder that refuses early answers before our request is through.
      const reading = readFrame(stream, limits.maxResponseBytes + 1, signal)
      reading.catch(() => {})
      try {
        await writeFrame(stream, [request], { signal })
        await stream.close({ signal })
      } catch {
        // The answer (if any) says why; a missing answer surfaces from `reading`.
      }
      const frame = await reading
      return decodeResponse(frame, protocol, limits, request.length)
    } catch (err) {
      stream?.abort(err instanceof Error ? err : new Error(String(err)))
      throw this.#requestError(err, protocol, limits, { caller: options.signal, timeout, timeoutMs })
    }
  }

  #requestError(
    err: unknown,
    protocol: string,
    limits: ProtocolLimits,
    s: { caller: AbortOptions['signal']; timeout: AbortSignal; timeoutMs: number },
  ): Error {
    const name = err instanceof Error ? err.name : ''
    if (
      name === 'MessageTooLargeError' ||
      name === 'RemoteError' ||
      name === 'RateLimitedError' ||
      name === 'InvalidResponseError'
    ) {
      return err as Error
    }
    if (s.caller?.aborted) return new AbortError()
    if (s.timeout.aborted) return new RequestTimeoutError(protocol, s.timeoutMs)
    if (this.#shutdown.signal.aborted) return new AbortError('reqresp stopped')
    if (err instanceof FrameTooLargeError) {
      return new MessageTooLargeError('response', err.length - 1, limits.maxResponseBytes, protocol)
    }
    if (name === 'MalformedFrameError') return new InvalidResponseError(`${protocol}: ${errorText(err)}`)
    return new RequestFailedError(protocol, err)
  }
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: false })

const OK_BYTE = Uint8Array.of(STATUS_OK)

/** How long a refused requester may keep sending (into the void) before its stream is reset. */
const REFUSE_GRACE_MS = 1_000

/** status ‖ UTF-8 detail (cut to MAX_ERROR_DETAIL_BYTES). */
function errorFrame(code: ErrorCode, detail: string): Uint8Array[] {
  return [Uint8Array.of(ERROR_CODES[code]), utf8Encoder.encode(detail).subarray(0, MAX_ERROR_DETAIL_BYTES)]
}

/** Turn a response frame into the payload or the named error it carries. */
export function decodeResponse(
  frame: Uint8Array,
  protocol: string,
  limits: ProtocolLimits,
  requestBytes = -1,
): Uint8Array {
  const status = frame[0]
  if (status === undefined) throw new InvalidResponseError(`${protocol}: empty response frame`)
  if (status === STATUS_OK) {
    if (frame.length - 1 > limits.maxResponseBytes) {
      throw new MessageTooLargeError('response', frame.length - 1, limits.maxResponseBytes, protocol)
    }
    return frame.subarray(1)
  }
  const code = CODE_BY_STATUS.get(status)
  if (code === undefined) throw new InvalidResponseError(`${protocol}: unknown status ${status}`)
  const detail = utf8Decoder
    .decode(frame.subarray(1, 1 + MAX_ERROR_DETAIL_BYTES))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strip control characters from peer text
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
  if (code === 'rate_limited' || code === 'busy') throw new RateLimitedError(protocol, code, detail)
  if (code === 'too_large') throw new MessageTooLargeError('request', requestBytes, -1, protocol, true)
  throw new RemoteError(protocol, code, detail)
}

/** Resolve with `promise`, or reject as soon as `signal` aborts (the promise's own outcome is then dropped). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {})
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
