/**
 * The PWA's pure parts, in Node (fast; no browser): key derivation against published vectors, payment
 * requests, plain words for every result code, and the protocol limits the shell mirrors.
 */
import { mnemonicToSeedWebcrypto } from '@scure/bip39'
import { describe, expect, it } from 'vitest'
import { MAX_CIRCLE as APP_MAX_CIRCLE, DEFAULT_MAX_OPS_PER_LEDGER } from '../../src/app/models/limits.js'
import { parsePaymentText, paymentUri } from '../../src/app/models/uri.js'
import { addressProblem, wordsForCode } from '../../src/app/models/words.js'
import { parseConfig } from '../../src/app/net/config.js'
import {
  DERIVATION_PATH,
  keyFromPhrase,
  newPhrase,
  normalisePhrase,
  phraseProblem,
  slip10Ed25519,
} from '../../src/app/wallet/phrase.js'
import { fromHex, toHex } from '../../src/core/codec/bytes.js'
import { nobleEd25519 } from '../../src/core/crypto/ed25519.js'
import { accountAddress } from '../../src/core/crypto/strkey.js'
import { DEFAULT_PARAMS } from '../../src/core/ledger/genesis.js'
import { MAX_CIRCLE, OP_CODES, TX_CODES } from '../../src/core/ledger/types.js'

/** RFC 4648 base32 decoding (for Stellar's StrKey in the SEP-0005 vector). */
function base32(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const out: number[] = []
  let buf = 0
  let bits = 0
  for (const c of text) {
    buf = (buf << 5) | alphabet.indexOf(c)
    bits += 5
    if (bits >= 8) {
      out.push((buf >> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Uint8Array.from(out)
}

describe('wallet keys', () => {
  it('SLIP-0010 ed25519 derivation matches test vector 1 of the spec', () => {
    const seed = fromHex('000102030405060708090a0b0c0d0e0f')
    const cases: [number[], string, string][] = [
      [
        [],
        '2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7',
        '90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb',
      ],
      [
        [0],
        '68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3',
        '8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69',
      ],
      [
        [0, 1],
        'b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2',
        'a320425f77d1b5c2505a6b1b27382b37368ee640e3557c315416801243552f14',
      ],
      [
        [0, 1, 2],
        '92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9',
        '2e69929e00b5ab250f49c3fb1c12f252de4fed2c1db88387094a0f8c4c9ccd6c',
      ],
    ]
    for (const [path, key, chainCode] of cases) {
      const r = slip10Ed25519(seed, path)
      expect(toHex(r.key), `m/${path.join("'/")}`).toBe(key)
      expect(toHex(r.chainCode)).toBe(chainCode)
    }
  })

  it('BIP-39 + SLIP-0010 give Stellar’s SEP-0005 vector 1 on its path (so the pipeline matches wallets in use)', async () => {
    const phrase = 'illness spike retreat truth genius clock brain pass fit cave bargain toe'
    const { key } = slip10Ed25519(await mnemonicToSeedWebcrypto(phrase), [44, 148, 0])
    // SBGWSG6…: version byte, 32-byte seed, checksum.
    expect(toHex(key)).toBe(
      toHex(base32('SBGWSG6BTNCKCOB3DIFBGCVMUPQFYPA2G4O34RMTB343OYPXU5DJDVMN').slice(1, 33)),
    )
    expect(toHex(nobleEd25519.publicKeySync(key))).toBe(
      toHex(base32('GDRXE2BQUC3AZNPVFSCEZ76NJ3WWL25FYFK6RGZGIEKWE4SOOHSUJUJ6').slice(1, 33)),
    )
  })

  it("derives Watt keys on m/44'/1463899220'/0' ('WATT'), deterministically, and apart from Stellar's", async () => {
    expect(DERIVATION_PATH).toEqual([44, 0x57415454, 0])
    const phrase = 'illness spike retreat truth genius clock brain pass fit cave bargain toe'
    const a = await keyFromPhrase(phrase)
    const b = await keyFromPhrase(
      `  1. ILLNESS spike, retreat truth genius clock brain pass fit cave bargain toe\n`,
    )
    expect(toHex(a)).toBe(toHex(b))
    expect(toHex(a)).not.toBe(
      toHex(base32('SBGWSG6BTNCKCOB3DIFBGCVMUPQFYPA2G4O34RMTB343OYPXU5DJDVMN').slice(1, 33)),
    )
    expect(accountAddress(nobleEd25519.publicKeySync(a))).toMatch(/^W[A-Z2-7]{55}$/)
  })

  it('makes 12- and 24-word phrases and explains bad ones in plain terms', () => {
    expect(newPhrase(12).split(' ')).toHaveLength(12)
    expect(newPhrase(24).split(' ')).toHaveLength(24)
    expect(phraseProblem(newPhrase())).toBeUndefined()
    expect(phraseProblem('abandon abandon')).toEqual({ kind: 'length', count: 2 })
    expect(phraseProblem(`${'abandon '.repeat(11)}zzz`)).toEqual({ kind: 'unknown-words', words: ['zzz'] })
    expect(phraseProblem('abandon '.repeat(12).trim())).toEqual({ kind: 'checksum' })
    expect(normalisePhrase('1) Abandon,  2) about')).toBe('abandon about')
  })
})

describe('payment requests', () => {
  const addr = accountAddress(new Uint8Array(32).fill(7))

  it('round-trips watt: requests with amount and memo', () => {
    const uri = paymentUri(addr, '1.5', 'lunch & tea')
    expect(uri).toBe(`watt:${addr}?amount=1.5&memo=lunch+%26+tea`)
    expect(parsePaymentText(uri)).toEqual({
      ok: true,
      value: { address: addr, amount: '1.5', memo: 'lunch & tea' },
    })
    expect(parsePaymentText(`  ${addr} `)).toEqual({ ok: true, value: { address: addr } })
    expect(parsePaymentText(`https://example.org/?ref=${addr}`)).toEqual({
      ok: true,
      value: { address: addr },
    })
  })

  it('refuses what it cannot pay, saying why', () => {
    expect(parsePaymentText(`watt:${addr}?amount=1e5`)).toMatchObject({
      ok: false,
      reason: /amount Watt cannot read/,
    })
    expect(parsePaymentText('')).toMatchObject({ ok: false, reason: /paste an address/ })
    expect(addressProblem(addr.slice(0, 50))).toMatch(/56 characters long; this one has 50/)
    expect(addressProblem(`${addr.slice(0, -1)}${addr.endsWith('A') ? 'B' : 'A'}`)).toMatch(/typo/)
    expect(addressProblem(addr.toLowerCase())).toMatch(/capital letters/)
    const validator = `V${addr.slice(1)}`
    expect(addressProblem(validator)).toBeDefined()
  })
})

describe('plain words', () => {
  it('has its own sentence for every transaction and operation result code', () => {
    for (const code of [...TX_CODES, ...OP_CODES].filter((c) => c !== 'tx_success' && c !== 'op_success')) {
      const text = wordsForCode(code)
      expect(text, code).not.toMatch(/refused this transaction \(/)
      expect(text, code).not.toContain(code)
    }
    expect(wordsForCode('op_already_checked_in')).toMatch(/already checked in today/)
    expect(wordsForCode('op_wrong_day')).toMatch(/mining day ended/)
  })
})

describe('the limits the shell mirrors', () => {
  it('match the protocol constants', () => {
    expect(APP_MAX_CIRCLE).toBe(MAX_CIRCLE)
    expect(DEFAULT_MAX_OPS_PER_LEDGER).toBe(DEFAULT_PARAMS.maxOpsPerLedger)
  })

  it('reads /config.json strictly', () => {
    const ok = {
      network: 'Watt Devnet',
      networkId: 'ab'.repeat(32),
      relays: ['/ip4/127.0.0.1/tcp/1/ws'],
      devnet: true,
    }
    expect(parseConfig(ok)).toMatchObject({
      network: 'Watt Devnet',
      relays: ok.relays,
      validators: [],
      devnet: true,
    })
    expect(() => parseConfig({ ...ok, networkId: 'xyz' })).toThrow(/networkId/)
  })
})
