/** The light client's pure part: the protocol messages, what a phone verifies, and whom it trusts. See docs/light-client.md. */
export * from './messages.js'
export * from './trust.js'
export * from './verify.js'
