/** Solving a puzzle for this wallet, in the worker (loaded on first use). */
import type { PuzzleKind, PuzzleProgress, PuzzleSolution } from '../../../workers/puzzle-bridge.js'
import type { DayInfo } from '../net/light-api.js'

export type { PuzzleProgress, PuzzleSolution }

export async function solveFor(
  kind: PuzzleKind,
  networkId: Uint8Array,
  account: Uint8Array,
  day: DayInfo,
  options: { signal?: AbortSignal; onProgress?: (e: PuzzleProgress) => void },
): Promise<PuzzleSolution> {
  const { solveInWorker, randomStartNonce } = await import('../../../workers/puzzle-bridge.js')
  return solveInWorker(
    {
      kind,
      networkId,
      account,
      day: day.day,
      beacon: day.beacon,
      params: {
        memoryKiB: day.puzzle.memoryKiB,
        difficultyBits:
          kind === 'checkIn' ? day.puzzle.checkInDifficulty : day.puzzle.createAccountDifficulty,
      },
      startNonce: randomStartNonce(),
    },
    options,
  )
}

/** A rough share of the expected work done, for a progress bar: never reaches 1 before the answer. */
export function puzzleFraction(p: PuzzleProgress | undefined): number {
  if (!p) return 0
  // The search is memoryless: after k attempts of an expected n, 1 − e^(−k/n) is the chance of being done.
  return Math.min(0.97, 1 - Math.exp(-p.attempts / p.expected))
}
