/** Messages between the puzzle bridge (page) and the puzzle worker (workers/puzzle.worker.ts). */
import type { PuzzleParams } from '../src/core/ledger/puzzle.js'

export type PuzzleKind = 'checkIn' | 'createAccount'

/** Everything the challenge is bound to (src/core/ledger/puzzle.ts): it is computed in the worker. */
export interface PuzzleTask {
  readonly kind: PuzzleKind
  readonly networkId: Uint8Array
  /** The account's public key. */
  readonly account: Uint8Array
  readonly day: bigint
  readonly beacon: Uint8Array
  readonly params: PuzzleParams
  /** First nonce tried (random, so two devices of one person do not race the same sequence). */
  readonly startNonce: bigint
}

export interface PuzzleProgress {
  readonly attempts: number
  /** 2^difficultyBits: the mean number of attempts (the search is memoryless, so this is a guide). */
  readonly expected: number
  readonly elapsedMs: number
}

export interface PuzzleSolution {
  readonly nonce: bigint
  readonly attempts: number
  readonly elapsedMs: number
}

export interface PuzzleRequest {
  readonly type: 'solve'
  readonly task: PuzzleTask
}

export type PuzzleResponse =
  | { readonly type: 'progress'; readonly event: PuzzleProgress }
  | { readonly type: 'result'; readonly value: PuzzleSolution }
  | { readonly type: 'error'; readonly name: string; readonly message: string }
