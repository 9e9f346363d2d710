/**
 * Web Worker entry for the check-in and account-creation puzzles (PRODUCT §4.4): Argon2id on
 * hash-wasm, off the main thread so the page stays responsive. One task per worker instance, started
 * by workers/puzzle-bridge.ts, which terminates the worker to cancel.
 */
import { checkInChallenge, createAccountChallenge, solvePuzzle } from '../src/core/ledger/puzzle.js'
import { wasmArgon2id } from '../src/platform/argon2.js'
import type { PuzzleRequest, PuzzleResponse } from './puzzle-protocol.js'

const scope = self as unknown as {
  postMessage(message: PuzzleResponse): void
  onmessage: ((e: MessageEvent<PuzzleRequest>) => void) | null
}

scope.onmessage = async (e) => {
  const { task } = e.data
  try {
    const challengeOf = task.kind === 'checkIn' ? checkInChallenge : createAccountChallenge
    const challenge = challengeOf(task.networkId, task.account, task.day, task.beacon)
    const expected = 2 ** task.params.difficultyBits
    const started = performance.now()
    const { nonce, attempts } = await solvePuzzle(wasmArgon2id, challenge, task.params, {
      startNonce: task.startNonce,
      onAttempt: (n) =>
        scope.postMessage({
          type: 'progress',
          event: { attempts: n, expected, elapsedMs: performance.now() - started },
        }),
    })
    scope.postMessage({ type: 'result', value: { nonce, attempts, elapsedMs: performance.now() - started } })
  } catch (err) {
    const x = err as Error
    scope.postMessage({ type: 'error', name: x?.name ?? 'Error', message: x?.message ?? String(err) })
  }
}
