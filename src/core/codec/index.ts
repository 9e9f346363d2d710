/**
 * The canonical codec: schemas, strict decoding with named errors, hashing, CIDs and
 * domain-separated signing input. Every hashed or signed Watt structure goes through here.
 *
 * @example
 * const Point = messageType('Point', struct('Point', { v: version(1), x: u32, y: u32 }), 64)
 * const bytes = Point.encode({ v: 1, x: 1, y: 2 })
 * Point.decode(bytes) // { v: 1, x: 1, y: 2 }
 */
export * from './bytes.js'
export * from './errors.js'
export * from './hash.js'
export * from './message.js'
export * from './schema.js'
export * from './signing.js'
