/** Small helpers the light service needs from the core. */
import { MerkleList, type MerkleProof } from '../../../src/core/merkle/list.js'

export { CertifiedView, EntryType, makePayslip } from '../../../src/core/ledger/index.js'

export function merkleProofOfResults(
  results: readonly Uint8Array[],
  index: number,
  hasher: (b: Uint8Array) => Uint8Array,
): MerkleProof {
  return new MerkleList(results, hasher).proof(index)
}
