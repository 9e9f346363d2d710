/** Byte helpers shared by the whole core: hex, base64, comparison, concatenation, big-endian ints. */

const HEX = '0123456789abcdef'

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!
  return out
}

/** Strict hex: even length, lowercase or uppercase digits only. Throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(
      `fromHex: expected an even-length hex string, got ${JSON.stringify(hex.slice(0, 20))}`,
    )
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]))

/** Standard base64 with padding (RFC 4648 §4), as used by the HTTP API. */
export function toBase64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '='
    out += i + 2 < bytes.length ? B64[n & 63]! : '='
  }
  return out
}

/** Strict base64: canonical padding, no whitespace, zero unused bits. Throws TypeError otherwise. */
export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new TypeError('fromBase64: length is not a multiple of 4')
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    let n = 0
    for (let j = 0; j < 4; j++) {
      const c = text[i + j]!
      const last = i + 4 === text.length
      if (c === '=' && last && j >= 4 - pad) {
        n <<= 6
        continue
      }
      const v = B64_INDEX.get(c)
      if (v === undefined) throw new TypeError(`fromBase64: invalid character at ${i + j}`)
      n = (n << 6) | v
    }
    if (pad === 2 && i + 4 === text.length && (n & 0xffff) !== 0)
      throw new TypeError('fromBase64: non-zero padding bits')
    if (pad === 1 && i + 4 === text.length && (n & 0xff) !== 0)
      throw new TypeError('fromBase64: non-zero padding bits')
    out[o++] = (n >> 16) & 255
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Unsigned lexicographic order; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return a.length - b.length
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new RangeError(`u32be: expected 0..2^32-1, got ${n}`)
  return new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])
}

export function u64be(n: bigint): Uint8Array {
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`u64be: expected 0..2^64-1, got ${n}`)
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, n)
  return out
}

/** The first 8 bytes of `bytes` as a big-endian unsigned integer. */
export function readU64be(bytes: Uint8Array, offset = 0): bigint {
  if (bytes.length < offset + 8)
    throw new RangeError(`readU64be: expected ${offset + 8} bytes, got ${bytes.length}`)
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0)
}

/**
 * UTF-8 encoding of a well-formed string. Written out because src/core has no TextEncoder (it is a
 * platform API, not ECMAScript); throws on a lone surrogate instead of silently replacing it.
 */
export function utf8(s: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw new RangeError(`utf8: lone surrogate at ${i}`)
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new RangeError(`utf8: lone surrogate at ${i}`)
    }
    if (c < 0x80) out.push(c)
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return Uint8Array.from(out)
}
