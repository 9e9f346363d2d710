/** The light client's pure part: the protocol messages and what a phone verifies. See docs/light-client.md. */
export * from './messages.js'
export * from './verify.js'
