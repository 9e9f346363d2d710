/**
 * Schema combinators for the canonical codec.
 *
 * A `Codec<T>` maps a typed value to the CBOR data model and back, checking every constraint on the
 * way in (decoding untrusted bytes) and on the way out (encoding our own values). Structs use the
 * *tuple representation* (a CBOR array of the fields in declaration order, as XDR does), so there are
 * no map keys to sort or to smuggle extra fields into, and messages stay small. Optional fields are
 * `null`. Tagged unions are `[tag, body]`. See docs/protocol.md §Encoding.
 */
import { EncodeError, SchemaMismatchError, UnsupportedVersionError, ValueOutOfRangeError } from './errors.js'

/** The subset of the CBOR data model Watt uses: no maps, no floats, no tags, no undefined. */
export type Data = null | boolean | number | bigint | string | Uint8Array | readonly Data[]

export interface Codec<T> {
  /** Short type name used in error messages. */
  readonly kind: string
  /** Typed value to data. Throws `EncodeError` when the value does not fit the schema. */
  toData(value: T, path: string): Data
  /** Data to typed value. Throws a `DecodeError` subclass when the data does not fit. */
  fromData(data: Data, path: string): T
}

/** A codec whose field may be absent (encoded as CBOR null). */
export interface OptionalCodec<T> extends Codec<T | undefined> {
  readonly optional: true
}

export type Infer<C> = C extends Codec<infer T> ? T : never
type InferOptional<C> = C extends OptionalCodec<infer T> ? T : never

function describe(d: unknown): string {
  if (d === null) return 'null'
  if (d instanceof Uint8Array) return `bytes(${d.length})`
  if (Array.isArray(d)) return `array(${d.length})`
  return typeof d
}

function encodeFail(path: string, expected: string, got: unknown): never {
  throw new EncodeError(`encode ${path}: expected ${expected}, got ${describe(got)}`)
}

/** An unsigned integer that fits a JS number exactly (u8, u16, u32, ...). */
export function uint(kind: string, max: number): Codec<number> {
  return {
    kind,
    toData(v, path) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
        encodeFail(path, `${kind} 0..${max}`, v)
      return v
    },
    fromData(d, path) {
      if (typeof d === 'bigint') throw new ValueOutOfRangeError(path, `expected ${kind} 0..${max}, got ${d}`)
      if (typeof d !== 'number' || !Number.isInteger(d))
        throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      if (d < 0 || d > max) throw new ValueOutOfRangeError(path, `expected ${kind} 0..${max}, got ${d}`)
      return d
    },
  }
}

export const u8 = uint('u8', 0xff)
export const u16 = uint('u16', 0xffff)
export const u32 = uint('u32', 0xffffffff)

function bigIntCodec(kind: string, min: bigint, max: bigint): Codec<bigint> {
  return {
    kind,
    toData(v, path) {
      if (typeof v !== 'bigint' || v < min || v > max) encodeFail(path, `${kind} bigint ${min}..${max}`, v)
      return v
    },
    fromData(d, path) {
      let v: bigint
      if (typeof d === 'bigint') v = d
      else if (typeof d === 'number' && Number.isInteger(d)) v = BigInt(d)
      else throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      if (v < min || v > max)
        throw new ValueOutOfRangeError(path, `expected ${kind} ${min}..${max}, got ${v}`)
      return v
    },
  }
}

/** Unsigned 64-bit integer as `bigint` (amounts, sequence numbers, slot indexes). */
export const u64 = bigIntCodec('u64', 0n, (1n << 64n) - 1n)
/** Signed 64-bit integer as `bigint`. */
export const i64 = bigIntCodec('i64', -(1n << 63n), (1n << 63n) - 1n)
/** A `bigint` bounded to `[min, max]`: use for amounts so an overflow is a decode error, not a surprise. */
export const boundedBigInt = bigIntCodec

export const bool: Codec<boolean> = {
  kind: 'bool',
  toData(v, path) {
    if (typeof v !== 'boolean') encodeFail(path, 'bool', v)
    return v
  },
  fromData(d, path) {
    if (typeof d !== 'boolean') throw new SchemaMismatchError(path, `expected bool, got ${describe(d)}`)
    return d
  },
}

/** A byte string of length in `[min, max]`. */
export function bytes(min: number, max: number = min): Codec<Uint8Array> {
  const kind = min === max ? `bytes[${min}]` : `bytes[${min}..${max}]`
  return {
    kind,
    toData(v, path) {
      if (!(v instanceof Uint8Array) || v.length < min || v.length > max) encodeFail(path, kind, v)
      return v
    },
    fromData(d, path) {
      if (!(d instanceof Uint8Array))
        throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      if (d.length < min || d.length > max)
        throw new ValueOutOfRangeError(path, `expected ${kind}, got ${d.length} bytes`)
      return d
    },
  }
}

/** A 32-byte hash. */
export const hash32 = bytes(32)

/** A text string of at most `maxBytes` UTF-8 bytes; `pattern`, when given, must match. */
export function text(maxBytes: number, pattern?: RegExp): Codec<string> {
  const kind = `text[..${maxBytes}]`
  const check = (v: string): boolean =>
    utf8Length(v) <= maxBytes && (pattern === undefined || pattern.test(v))
  return {
    kind,
    toData(v, path) {
      if (typeof v !== 'string' || !check(v)) encodeFail(path, kind, v)
      return v
    },
    fromData(d, path) {
      if (typeof d !== 'string') throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      if (!check(d))
        throw new ValueOutOfRangeError(path, `expected ${kind}${pattern ? ` matching ${pattern}` : ''}`)
      return d
    },
  }
}

function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** A list of at most `max` items (and at least `min`). */
export function list<T>(item: Codec<T>, max: number, min = 0): Codec<T[]> {
  const kind = `list<${item.kind}>[${min}..${max}]`
  return {
    kind,
    toData(v, path) {
      if (!Array.isArray(v) || v.length < min || v.length > max) encodeFail(path, kind, v)
      return v.map((x, i) => item.toData(x, `${path}[${i}]`))
    },
    fromData(d, path) {
      if (!Array.isArray(d)) throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      if (d.length < min || d.length > max)
        throw new ValueOutOfRangeError(path, `expected ${kind}, got ${d.length} items`)
      return d.map((x, i) => item.fromData(x, `${path}[${i}]`))
    },
  }
}

/** A field that may be absent: `undefined` in TypeScript (the key omitted), `null` on the wire. */
export function optional<T>(inner: Codec<T>): OptionalCodec<T> {
  return {
    kind: `${inner.kind}?`,
    optional: true,
    toData(v, path) {
      return v === undefined ? null : inner.toData(v, path)
    },
    fromData(d, path) {
      return d === null ? undefined : inner.fromData(d, path)
    },
  }
}

type Fields = Record<string, Codec<unknown>>
type OptionalKeys<F> = { [K in keyof F]: F[K] extends OptionalCodec<unknown> ? K : never }[keyof F]
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>
type Simplify<T> = { [K in keyof T]: T[K] } & {}
export type StructOf<F> = Simplify<
  { [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: InferOptional<F[K]> }
>

/**
 * A record encoded as a CBOR array of its fields in declaration order (tuple representation).
 * Decoding requires exactly that many entries: a missing or an extra field is a `SchemaMismatchError`.
 */
export function struct<F extends Fields>(kind: string, fields: F): Codec<StructOf<F>> {
  const entries = Object.entries(fields)
  return {
    kind,
    toData(v, path) {
      if (typeof v !== 'object' || v === null) encodeFail(path || kind, kind, v)
      const rec = v as Record<string, unknown>
      return entries.map(([name, codec]) => codec.toData(rec[name], `${path || kind}.${name}`))
    },
    fromData(d, path) {
      const p = path || kind
      if (!Array.isArray(d))
        throw new SchemaMismatchError(p, `expected ${kind} (array of ${entries.length}), got ${describe(d)}`)
      if (d.length !== entries.length) {
        throw new SchemaMismatchError(p, `expected ${kind} with ${entries.length} fields, got ${d.length}`)
      }
      const out: Record<string, unknown> = {}
      for (let i = 0; i < entries.length; i++) {
        const [name, codec] = entries[i]!
        const value = codec.fromData(d[i]!, `${p}.${name}`)
        if (value !== undefined) out[name] = value
      }
      return out as StructOf<F>
    },
  }
}

type Variants = Record<string, readonly [number, Codec<unknown>]>
export type UnionOf<V extends Variants> = {
  [K in keyof V]: Simplify<{ type: K } & Infer<V[K][1]>>
}[keyof V]

/**
 * A tagged union `{ type: name, ...body }`, encoded as `[tag, body]` where tag is a small integer
 * fixed forever per variant (never reuse a retired tag). Bodies must be structs.
 */
export function union<V extends Variants>(kind: string, variants: V): Codec<UnionOf<V>> {
  const byName = new Map<string, readonly [number, Codec<unknown>]>(Object.entries(variants))
  const byTag = new Map<number, [string, Codec<unknown>]>()
  for (const [name, [tag, codec]] of byName) {
    if (byTag.has(tag)) throw new Error(`union ${kind}: duplicate tag ${tag}`)
    byTag.set(tag, [name, codec])
  }
  return {
    kind,
    toData(v, path) {
      const p = path || kind
      const rec = v as { type?: unknown }
      const variant = typeof rec?.type === 'string' ? byName.get(rec.type) : undefined
      if (!variant) encodeFail(p, `${kind} variant`, rec?.type)
      return [variant[0], variant[1].toData(v, `${p}<${String(rec.type)}>`)]
    },
    fromData(d, path) {
      const p = path || kind
      if (!Array.isArray(d) || d.length !== 2)
        throw new SchemaMismatchError(p, `expected ${kind} [tag, body], got ${describe(d)}`)
      const tag = d[0]
      const variant = typeof tag === 'number' ? byTag.get(tag) : undefined
      if (!variant) throw new SchemaMismatchError(p, `unknown ${kind} tag ${String(tag)}`)
      const body = variant[1].fromData(d[1]!, `${p}<${variant[0]}>`) as Record<string, unknown>
      return { type: variant[0], ...body } as UnionOf<V>
    },
  }
}

/** A string enumeration encoded as a small integer (the index in `values`, fixed forever). */
export function enumeration<const E extends readonly string[]>(kind: string, values: E): Codec<E[number]> {
  const index = new Map(values.map((v, i) => [v as string, i]))
  return {
    kind,
    toData(v, path) {
      const i = index.get(v)
      if (i === undefined) encodeFail(path, `${kind} (${values.join('|')})`, v)
      return i
    },
    fromData(d, path) {
      if (typeof d !== 'number' || !Number.isInteger(d))
        throw new SchemaMismatchError(path, `expected ${kind}, got ${describe(d)}`)
      const v = values[d]
      if (v === undefined) throw new ValueOutOfRangeError(path, `unknown ${kind} value ${d}`)
      return v
    },
  }
}

/**
 * A format version number: encodes as `version`, and decoding any other number is an
 * `UnsupportedVersionError`. Put it first in every top-level message.
 */
export function version<const N extends number>(n: N): Codec<N> {
  return {
    kind: `version ${n}`,
    toData(v, path) {
      if (v !== n) encodeFail(path, `version ${n}`, v)
      return n
    },
    fromData(d, path) {
      if (d !== n)
        throw new UnsupportedVersionError(path, `unsupported version ${String(d)}, this node speaks ${n}`)
      return n
    },
  }
}

/**
 * A codec with an extra semantic check on decode (and encode). `check` returns an error message or
 * `undefined`; a message becomes a `ValueOutOfRangeError` at that path.
 */
export function refine<T>(inner: Codec<T>, check: (v: T) => string | undefined, kind = inner.kind): Codec<T> {
  return {
    kind,
    toData(v, path) {
      const problem = check(v)
      if (problem !== undefined) throw new EncodeError(`encode ${path}: ${problem}`)
      return inner.toData(v, path)
    },
    fromData(d, path) {
      const v = inner.fromData(d, path)
      const problem = check(v)
      if (problem !== undefined) throw new ValueOutOfRangeError(path, problem)
      return v
    },
  }
}

/** A recursive codec (quorum sets nest): `lazy(() => qsetCodec)`. */
export function lazy<T>(kind: string, get: () => Codec<T>): Codec<T> {
  let c: Codec<T> | undefined
  const codec = (): Codec<T> => {
    c ??= get()
    return c
  }
  return {
    kind,
    toData: (v, path) => codec().toData(v, path),
    fromData: (d, path) => codec().fromData(d, path),
  }
}
