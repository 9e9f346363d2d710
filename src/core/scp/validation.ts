/**
 * The driver's value validation levels as ordered numbers (stellar-core `SCPDriver::ValidationLevel`:
 * invalid 0 < maybe-valid-not-current 1 < fully-valid 3; Watt has no structurally-valid level).
 */
import type { ValidationLevel } from './types.js'

export type Level = 0 | 1 | 2

export function levelOf(v: ValidationLevel): Level {
  switch (v) {
    case 'fullyValidated':
      return 2
    case 'maybeValid':
      return 1
    default:
      return 0
  }
}

export function minLevel(a: Level, b: Level): Level {
  return a < b ? a : b
}
