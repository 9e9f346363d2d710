/**
 * Domain-separated signing input (docs/protocol.md §Signatures).
 *
 *   signatureBase = SHA-256( networkId ‖ u32be(envelopeType) ‖ body )
 *   networkId     = SHA-256( UTF-8(network passphrase) )
 *
 * The network id keeps a testnet signature from ever verifying on mainnet; the envelope type keeps a
 * transaction signature from passing as an SCP statement (or any other signed thing). Signing the
 * 32-byte hash rather than the body keeps signing cost flat for large bodies (as Stellar does with its
 * TransactionSignaturePayload).
 */
import { concatBytes, u32be, utf8 } from './bytes.js'
import { sha256 } from './hash.js'

/**
 * Every kind of signed thing, with a number fixed forever. Add new kinds at the end; never reuse a
 * number.
 */
export const EnvelopeType = {
  transaction: 1,
  scpStatement: 2,
  validatorLink: 3,
  nominationValue: 4,
  storageProof: 5,
  retrievalVoucher: 6,
  relayResponse: 7,
} as const
export type EnvelopeTypeName = keyof typeof EnvelopeType

export function networkIdOf(passphrase: string): Uint8Array {
  if (passphrase.length === 0) throw new RangeError('networkIdOf: expected a non-empty passphrase')
  return sha256(utf8(passphrase))
}

export function signatureBase(networkId: Uint8Array, type: EnvelopeTypeName, body: Uint8Array): Uint8Array {
  if (networkId.length !== 32)
    throw new RangeError(`signatureBase: expected a 32-byte network id, got ${networkId.length}`)
  return sha256(concatBytes(networkId, u32be(EnvelopeType[type]), body))
}
