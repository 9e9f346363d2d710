import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/codec/bytes.js'
import {
  accountAddress,
  crc16xmodem,
  decodeStrKey,
  encodeStrKey,
  parseAccountAddress,
  parseValidatorId,
  strKeyKind,
  validatorId,
} from '../../../src/core/crypto/strkey.js'

const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7)

function problem(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return `${(err as Error).name}:${(err as { problem: string }).problem}`
  }
  return 'no error'
}

describe('StrKey addresses', () => {
  it('CRC16-XMODEM matches the standard check value', () => {
    expect(crc16xmodem(utf8('123456789'))).toBe(0x31c3)
  })

  it('gives each kind of key its own first letter and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (k) => {
        const a = accountAddress(k)
        const v = validatorId(k)
        expect(a).toMatch(/^W[A-Z2-7]{55}$/)
        expect(v).toMatch(/^V[A-Z2-7]{55}$/)
        expect(encodeStrKey('secretSeed', k)).toMatch(/^S/)
        expect(parseAccountAddress(a)).toEqual(k)
        expect(parseValidatorId(v)).toEqual(k)
      }),
    )
  })

  it('detects every single-character typo', () => {
    const a = accountAddress(key)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    let tried = 0
    for (let i = 0; i < a.length; i++) {
      for (const c of alphabet) {
        if (c === a[i]) continue
        const typo = a.slice(0, i) + c + a.slice(i + 1)
        expect(() => parseAccountAddress(typo)).toThrow()
        tried++
      }
    }
    expect(tried).toBe(56 * 31)
  })

  it('detects every swap of two adjacent different characters', () => {
    const a = accountAddress(key)
    for (let i = 0; i + 1 < a.length; i++) {
      if (a[i] === a[i + 1]) continue
      const swapped = a.slice(0, i) + a[i + 1] + a[i] + a.slice(i + 2)
      expect(() => parseAccountAddress(swapped)).toThrow()
    }
  })

  it('refuses a validator id where an account is expected, and a seed anywhere else, with a specific reason', () => {
    expect(problem(() => parseAccountAddress(validatorId(key)))).toBe('InvalidStrKeyError:wrong-kind')
    expect(() => parseAccountAddress(validatorId(key))).toThrow(
      'expected an account address (W…), got a validator id (V…)',
    )
    expect(problem(() => parseValidatorId(encodeStrKey('secretSeed', key)))).toBe(
      'InvalidStrKeyError:wrong-kind',
    )
  })

  it('rejects wrong length, lowercase, padding and a corrupted checksum', () => {
    const a = accountAddress(key)
    expect(problem(() => parseAccountAddress(a.slice(1)))).toBe('InvalidStrKeyError:wrong-length')
    expect(problem(() => parseAccountAddress(a.toLowerCase()))).toBe('InvalidStrKeyError:bad-character')
    expect(problem(() => parseAccountAddress(`${a.slice(0, 55)}=`))).toBe('InvalidStrKeyError:bad-character')
    expect(problem(() => decodeStrKey('account', 42 as never))).toBe('InvalidStrKeyError:wrong-length')
    const last = a[55] === 'A' ? 'B' : 'A'
    expect(problem(() => parseAccountAddress(a.slice(0, 55) + last))).toBe('InvalidStrKeyError:bad-checksum')
  })

  it('tells which kind a text is', () => {
    expect(strKeyKind(accountAddress(key))).toBe('account')
    expect(strKeyKind(validatorId(key))).toBe('validator')
    expect(strKeyKind('hello')).toBeUndefined()
  })
})
