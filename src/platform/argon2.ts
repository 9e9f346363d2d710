/** Argon2id for the check-in and account puzzles, on hash-wasm (WASM: same code in browsers, workers and Node). */
import { argon2id } from 'hash-wasm'
import type { Argon2id } from '../core/ledger/puzzle.js'

/** t = 1, p = 1, 32-byte output; memory in KiB (src/core/ledger/puzzle.ts). */
export const wasmArgon2id: Argon2id = (password, salt, memoryKiB) =>
  argon2id({
    password,
    salt,
    parallelism: 1,
    iterations: 1,
    memorySize: memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  })
