/**
 * What must be verified before a transaction can apply, separated from verifying it
 * (CONVENTIONS habit 8). `transactionChecks` lists the signature and puzzle checks of a transaction;
 * the node runs them (inline, batched, on worker threads) with `runChecks`, and the ledger's validity
 * rules only ask whether a check's id is in the passed set. A check id encodes every input of the
 * check, so a check that passed for one (key, message, signature) can never stand for another.
 */
import type { AbortOptions } from '../abort.js'
import { concatBytes } from '../codec/bytes.js'
import { signatureBase } from '../codec/signing.js'
import type { BatchVerifier } from '../crypto/batch.js'
import { idString } from './keys.js'
import {
  type Argon2id,
  checkInChallenge,
  createAccountChallenge,
  type PuzzleParams,
  verifyPuzzle,
} from './puzzle.js'
import type { Reader } from './state.js'
import { type Transaction, type TransactionEnvelope, TransactionType } from './types.js'

export interface SignatureCheck {
  kind: 'signature'
  id: string
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}

export interface PuzzleCheck {
  kind: 'puzzle'
  id: string
  challenge: Uint8Array
  nonce: bigint
  params: PuzzleParams
}

export type Check = SignatureCheck | PuzzleCheck

/** The set of check ids that passed. */
export interface PassedChecks {
  has(id: string): boolean
}

export function signatureCheck(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  return {
    kind: 'signature',
    id: `s${idString(publicKey)}${idString(message)}${idString(signature)}`,
    publicKey,
    message,
    signature,
  }
}

export function puzzleCheck(challenge: Uint8Array, nonce: bigint, params: PuzzleParams): PuzzleCheck {
  return {
    kind: 'puzzle',
    id: `p${idString(challenge)}:${nonce}:${params.memoryKiB}:${params.difficultyBits}`,
    challenge,
    nonce,
    params,
  }
}

const hashMemo = new WeakMap<Transaction, { networkId: Uint8Array; hash: Uint8Array }>()

/**
 * The transaction hash: the signature base (network id ‖ type ‖ canonical transaction), as Stellar
 * does. Memoized per transaction object, because a transaction is hashed on receipt, when listing its
 * checks, when building and validating sets and when applying; transaction objects are never mutated
 * (every change in this code base builds a new object).
 */
export function transactionHash(networkId: Uint8Array, tx: Transaction): Uint8Array {
  const m = hashMemo.get(tx)
  if (m && m.networkId === networkId) return m.hash
  const hash = signatureBase(networkId, 'transaction', TransactionType.encode(tx))
  hashMemo.set(tx, { networkId, hash })
  return hash
}

/** The message a validator signs to be linked to an account (linkValidator). */
export function validatorLinkMessage(
  networkId: Uint8Array,
  account: Uint8Array,
  validator: Uint8Array,
): Uint8Array {
  return signatureBase(networkId, 'validatorLink', concatBytes(account, validator))
}

export function puzzleParams(view: Reader, kind: 'checkIn' | 'createAccount'): PuzzleParams {
  const p = view.params()
  return {
    memoryKiB: p.puzzleMemoryKiB,
    difficultyBits: kind === 'checkIn' ? p.checkInDifficulty : p.createAccountDifficulty,
  }
}

/**
 * Every check a transaction needs, given the state it will apply to (puzzles depend on the day's
 * beacon). Operations whose day has no beacon list no puzzle check; their rules then fail with
 * op_wrong_day, so nothing is lost.
 */
export function transactionChecks(view: Reader, networkId: Uint8Array, env: TransactionEnvelope): Check[] {
  const txHash = transactionHash(networkId, env.tx)
  const checks: Check[] = env.signatures.map((s) => signatureCheck(s.publicKey, txHash, s.signature))
  for (const op of env.tx.operations) {
    if (op.type === 'checkIn') {
      const day = view.day(op.day)
      if (day)
        checks.push(
          puzzleCheck(
            checkInChallenge(networkId, env.tx.source, op.day, day.beacon),
            op.nonce,
            puzzleParams(view, 'checkIn'),
          ),
        )
    } else if (op.type === 'createAccount') {
      const day = view.day(op.day)
      if (day) {
        checks.push(
          puzzleCheck(
            createAccountChallenge(networkId, env.tx.source, op.day, day.beacon),
            op.nonce,
            puzzleParams(view, 'createAccount'),
          ),
        )
      }
    } else if (op.type === 'linkValidator') {
      checks.push(
        signatureCheck(
          op.validator,
          validatorLinkMessage(networkId, env.tx.source, op.validator),
          op.validatorSignature,
        ),
      )
    }
  }
  return checks
}

export interface CheckRunner {
  verifier: BatchVerifier
  argon2id: Argon2id
}

/** Run checks; resolves to the set of ids that passed. */
export async function runChecks(
  checks: readonly Check[],
  runner: CheckRunner,
  options: AbortOptions = {},
): Promise<Set<string>> {
  const passed = new Set<string>()
  const sigs = checks.filter((c): c is SignatureCheck => c.kind === 'signature')
  const verdicts = await runner.verifier.verifyBatch(sigs, options)
  sigs.forEach((c, i) => {
    if (verdicts[i]) passed.add(c.id)
  })
  for (const c of checks) {
    if (c.kind !== 'puzzle') continue
    options.signal?.throwIfAborted()
    if (await verifyPuzzle(runner.argon2id, c.challenge, c.nonce, c.params)) passed.add(c.id)
  }
  return passed
}
