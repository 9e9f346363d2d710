/**
 * Money: integer base units in `bigint`, never floats (PRODUCT §4.3). 1 WATT = 10,000,000 units.
 * Every arithmetic step on amounts that can overflow goes through these checked helpers.
 */

export const UNITS_PER_WATT = 10_000_000n
/** Total supply cap: 20 billion WATT (PRODUCT §4.4 Genesis). */
export const SUPPLY_CAP = 20_000_000_000n * UNITS_PER_WATT
/** Largest amount any field may hold: the supply cap. Anything above is malformed, not merely unaffordable. */
export const MAX_AMOUNT = SUPPLY_CAP

export const watt = (n: number | bigint): bigint => BigInt(n) * UNITS_PER_WATT

/** Checked addition: throws on a result above MAX_AMOUNT (an internal invariant, never peer-reachable). */
export function addAmount(a: bigint, b: bigint, what: string): bigint {
  const r = a + b
  if (a < 0n || b < 0n || r > MAX_AMOUNT)
    throw new RangeError(`${what}: expected 0..${MAX_AMOUNT}, got ${a} + ${b}`)
  return r
}

export function subAmount(a: bigint, b: bigint, what: string): bigint {
  const r = a - b
  if (a < 0n || b < 0n || r < 0n)
    throw new RangeError(`${what}: expected a non-negative result, got ${a} - ${b}`)
  return r
}

/** Format base units as a decimal WATT string ("12.5", "0.0000001"): for people and the HTTP API. */
export function formatWatt(units: bigint): string {
  const neg = units < 0n
  const abs = neg ? -units : units
  const whole = abs / UNITS_PER_WATT
  const frac = (abs % UNITS_PER_WATT).toString().padStart(7, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`
}

/** Parse a decimal WATT string to base units, strictly: at most 7 decimals, no sign, no exponent. */
export function parseWatt(text: string): bigint {
  const m = /^(\d{1,12})(?:\.(\d{1,7}))?$/.exec(text)
  if (!m)
    throw new RangeError(
      `parseWatt: expected an amount like 12.5 (at most 7 decimals), got ${JSON.stringify(text)}`,
    )
  return BigInt(m[1]!) * UNITS_PER_WATT + BigInt((m[2] ?? '').padEnd(7, '0'))
}
