/**
 * Keys, addresses and signatures: the Ed25519 interface with Watt's validity rules, the noble
 * fallback, batch verification, and the StrKey text form of keys.
 * Platform backends live outside the pure core: src/platform/ed25519-webcrypto.ts (browsers and
 * Node) and relay/src/crypto/ed25519-node.ts (node:crypto).
 */
export * from './batch.js'
export * from './ed25519.js'
export * from './strkey.js'
