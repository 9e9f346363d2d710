/**
 * One length-prefixed frame on a libp2p stream: `varint(n) ‖ n bytes` (unsigned LEB128, as libp2p's
 * length-prefixed protocols use).
 *
 * `readFrame` consumes the stream's `message` events synchronously as they arrive, so it learns the
 * length from the first bytes and refuses an oversized frame before holding any of its body: nothing
 * over the limit is ever buffered (libp2p's `byteStream` buffers first and checks after). After it
 * settles — success or failure — it keeps discarding whatever else the peer sends, so a peer cannot
 * fill the stream's own read buffer either.
 */
import { type AbortOptions, type MessageStream, type Stream, StreamResetError } from '@libp2p/interface'

/** The frame's length prefix exceeds the limit. Nothing of its body was kept. */
export class FrameTooLargeError extends Error {
  static override readonly name: string = 'FrameTooLargeError'
  override readonly name = 'FrameTooLargeError'
  constructor(
    /** The announced length (or a lower bound of it, if the varint was cut short at the limit). */
    readonly length: number,
    readonly limit: number,
  ) {
    super(`frame of ${length} bytes exceeds the limit of ${limit} bytes`)
  }
}

/** The bytes are not a frame: a varint over 8 bytes, or the stream ended before the frame did. */
export class MalformedFrameError extends Error {
  static override readonly name: string = 'MalformedFrameError'
  override readonly name = 'MalformedFrameError'
}

/** Longest varint accepted: 8 bytes encode up to 2^56, far above any limit. */
const MAX_VARINT_BYTES = 8

/** Read one frame of at most `maxBytes` body bytes. Rejects with the errors above or `signal.reason`. */
export function readFrame(stream: Stream, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    let settled = false
    let length = -1
    let value = 0
    let varintBytes = 0
    let body: Uint8Array | undefined
    let filled = 0

    const finish = (err: Error | undefined, result?: Uint8Array): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      stream.removeEventListener('remoteCloseWrite', onRemoteClose)
      // 'message' stays attached and discards (see the module comment) until the stream closes.
      if (err) reject(err)
      else resolve(result!)
    }

    const consume = (chunk: Uint8Array): void => {
      let i = 0
      while (length < 0 && i < chunk.length) {
        const b = chunk[i++]!
        value += (b & 0x7f) * 2 ** (7 * varintBytes)
        varintBytes++
        // Later varint bytes only add to the value, so it is already too large.
        if (value > maxBytes) {
          finish(new FrameTooLargeError(value, maxBytes))
          return
        }
        if ((b & 0x80) === 0) {
          length = value
          body = new Uint8Array(length)
        } else if (varintBytes >= MAX_VARINT_BYTES) {
          finish(new MalformedFrameError(`length prefix longer than ${MAX_VARINT_BYTES} bytes`))
          return
        }
      }
      if (length < 0 || body === undefined) return
      const take = Math.min(length - filled, chunk.length - i)
      body.set(chunk.subarray(i, i + take), filled)
      filled += take
      // Bytes after the frame are a protocol violation by the peer; they are dropped.
      if (filled === length) finish(undefined, body)
    }

    const onMessage = (evt: { data: Uint8Array | Iterable<Uint8Array> }): void => {
      if (settled) return
      const data = evt.data
      if (data instanceof Uint8Array) consume(data)
      else for (const chunk of data) if (!settled) consume(chunk)
    }
    const onRemoteClose = (): void => {
      // Data is dispatched synchronously before the remote's close reaches us, so this is the end.
      finish(new MalformedFrameError(endedMessage()))
    }
    const onClose = (evt: { error?: Error }): void => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      finish(evt.error ?? new MalformedFrameError(endedMessage()))
    }
    const onAbort = (): void =>
      finish(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)))
    const endedMessage = (): string =>
      length < 0 ? 'stream ended before a length prefix' : `stream ended after ${filled} of ${length} bytes`

    if (signal.aborted) {
      onAbort()
      return
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    stream.addEventListener('remoteCloseWrite', onRemoteClose)
    signal.addEventListener('abort', onAbort, { once: true })
    // Data that arrived before we listened is dispatched in a microtask; after it, a remote that had
    // already closed has nothing more to give.
    if (stream.status === 'reset' || stream.status === 'aborted') {
      queueMicrotask(() =>
        queueMicrotask(() => finish(new StreamResetError(`stream already ${stream.status}`))),
      )
    } else if (stream.remoteWriteStatus === 'closed' || stream.status !== 'open') {
      queueMicrotask(() => queueMicrotask(() => onRemoteClose()))
    }
  })
}

/** `varint(body.length) ‖ body`. */
export function encodeLengthPrefix(length: number): Uint8Array {
  const out: number[] = []
  let n = length
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/**
 * Write one frame whose body is the concatenation of `parts` (sent as they are, without copying),
 * waiting for the stream to drain whenever its buffer is full.
 */
export async function writeFrame(
  stream: MessageStream,
  parts: readonly Uint8Array[],
  options: AbortOptions = {},
): Promise<void> {
  const length = parts.reduce((n, p) => n + p.length, 0)
  for (const chunk of [encodeLengthPrefix(length), ...parts]) {
    if (chunk.length > 0 && !stream.send(chunk)) await stream.onDrain(options)
  }
}
