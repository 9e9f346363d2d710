/**
 * Named errors of the proof engine. They are thrown for local misuse and broken invariants (our own
 * store, our own sector); input from peers is never thrown on: verification returns a result with a
 * reason (see verify.ts). Callers compare `err.name`, which survives worker boundaries.
 */

/** A parameter set is out of range or unknown. */
export class InvalidParamsError extends Error {
  override readonly name = 'InvalidParamsError'
}

/** The injected hasher computes a different algorithm than the parameters name. */
export class HasherMismatchError extends Error {
  override readonly name = 'HasherMismatchError'
}

/** A store file name is not of the form `a/b-c.d` (lowercase letters, digits, `.`, `-`, `_`). */
export class InvalidFileNameError extends Error {
  override readonly name = 'InvalidFileNameError'
}

/** A store file that must exist does not. */
export class SectorFileNotFoundError extends Error {
  override readonly name = 'SectorFileNotFoundError'
}

/** A sector's data file is missing or not exactly one sector long. */
export class SectorDataSizeError extends Error {
  override readonly name = 'SectorDataSizeError'
}

/** A seal checkpoint belongs to other inputs (miner, sector number, ticket or parameters). */
export class SealStateMismatchError extends Error {
  override readonly name = 'SealStateMismatchError'
}

/** The sector has not finished sealing (or its layers were already discarded). */
export class SectorNotSealedError extends Error {
  override readonly name = 'SectorNotSealedError'
}

/** Unsealing produced data whose commitment differs from the sector's commD. */
export class UnsealMismatchError extends Error {
  override readonly name = 'UnsealMismatchError'
}

/** A file in the store has the wrong size or content for what the engine expects there. */
export class CorruptSectorError extends Error {
  override readonly name = 'CorruptSectorError'
}
