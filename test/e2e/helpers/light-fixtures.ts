/**
 * Fixtures for the light client's verification benchmarks, built in Node and handed to a page as hex:
 * a certified header with n real Ed25519 signatures (n validators, BFT threshold), an account's state
 * proof from a tree of many accounts, and a transaction result's inclusion proof in a large ledger.
 */
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import { toHex } from '../../../src/core/codec/bytes.js'
import { sha256 } from '../../../src/core/codec/hash.js'
import {
  type Account,
  EntryType,
  entryKeyHash,
  type LedgerHeader,
  LedgerHeaderType,
  type TransactionResult,
  TransactionResultType,
} from '../../../src/core/ledger/index.js'
import { bftThreshold } from '../../../src/core/light/index.js'
import { MerkleList, MerkleProofType } from '../../../src/core/merkle/list.js'
import { SmtProofType, SparseMerkleTree } from '../../../src/core/merkle/smt.js'
import { QuorumSetMessage } from '../../../src/core/scp/codec.js'
import type { QuorumSet } from '../../../src/core/scp/types.js'
import { TestLedger } from '../../helpers/ledger.js'
import { certify, networkId, validator } from '../../unit/light/fixtures.js'

export interface HeaderFixture {
  networkId: string
  quorumSet: string
  header: string
  certificate: string[]
  signatures: number
}

/** A ledger header certified by `n` validators (all sign), and the quorum set of those n (BFT threshold). */
export function certifiedHeaderFixture(n: number, base?: LedgerHeader): HeaderFixture {
  const vs = Array.from({ length: n }, (_, i) => validator(100 + i))
  const qset: QuorumSet = {
    threshold: bftThreshold(n),
    validators: vs.map((v) => v.id).sort(),
    innerSets: [],
  }
  const header = base ?? new TestLedger().state.header
  const c = certify(header, vs)
  return {
    networkId: toHex(networkId),
    quorumSet: toHex(QuorumSetMessage.encode(qset)),
    header: toHex(c.header),
    certificate: c.certificate.map(toHex),
    signatures: n,
  }
}

export interface ProofFixture {
  /** LedgerHeader bytes whose stateRoot and resultsRoot the proofs lead to. */
  header: string
  accounts: number
  account: { id: string; entry: string; proof: string; siblings: number }
  results: number
  result: { index: number; bytes: string; txHash: string; proof: string }
}

/** A state proof for one account among `accounts`, and an inclusion proof for one of `results` results. */
export function proofFixture(accounts = 100_000, results = 1_000): ProofFixture {
  const tree = new SparseMerkleTree()
  const seed = new Uint8Array(32)
  const view = new DataView(seed.buffer)
  for (let i = 0; i < accounts; i++) {
    view.setUint32(0, i)
    tree.set(sha256(seed), sha256(seed.subarray(0, 8)))
  }
  const id = nodeEd25519.publicKeySync(new Uint8Array(32).fill(0x42))
  const account: Account = {
    v: 1,
    index: 7,
    balance: 123_456_789n,
    seq: 4n,
    signer: id,
    createdLedger: 3n,
    circle: [],
    checkIns: { total: 3, streak: 2, lastDay: 5n },
    locked: 0n,
  }
  const entry = EntryType.encode({ type: 'account', ...account })
  const key = entryKeyHash({ type: 'account', id })
  tree.set(key, sha256(entry))
  const proof = tree.prove(key)

  const list: TransactionResult[] = Array.from({ length: results }, (_, i) => {
    const txHash = new Uint8Array(32)
    new DataView(txHash.buffer).setUint32(0, i)
    return { txHash: sha256(txHash), code: 'tx_success', feeCharged: 100n, opResults: ['op_success'] }
  })
  const leaves = list.map((r) => TransactionResultType.encode(r))
  const ml = new MerkleList(leaves, sha256)
  const index = Math.floor(results / 2)
  const base = new TestLedger().state.header
  const header: LedgerHeader = { ...base, stateRoot: tree.root(), resultsRoot: ml.root, txCount: results }
  return {
    header: toHex(LedgerHeaderType.encode(header)),
    accounts: accounts + 1,
    account: {
      id: toHex(id),
      entry: toHex(entry),
      proof: toHex(SmtProofType.encode(proof)),
      siblings: proof.siblings.length,
    },
    results,
    result: {
      index,
      bytes: toHex(leaves[index]!),
      txHash: toHex(list[index]!.txHash),
      proof: toHex(MerkleProofType.encode(ml.proof(index))),
    },
  }
}
