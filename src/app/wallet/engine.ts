/**
 * Everything heavy the wallet needs (BIP-39 word list and hashing, Ed25519, the transaction codec),
 * in one module that the models import lazily, after first paint.
 */
export { toHex } from '../../core/codec/bytes.js'
export { parseAccountAddress } from '../../core/crypto/strkey.js'
export { rewardRate } from '../../core/ledger/daily.js'
export { POINTS, POINTS_PER_WEIGHT } from '../../core/ledger/payouts.js'
export { keyFromPhrase, newPhrase, normalisePhrase, phraseProblem, wordsStartingWith } from './phrase.js'
export { addressOfSeed, signerFromSeed, type WalletSigner } from './signer.js'
export { type SignedTx, signTransaction } from './tx.js'
