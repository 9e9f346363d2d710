import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRelaySha256 } from '../../../relay/src/crypto/sha256.js'
import { sha256 } from '../../../src/core/codec/hash.js'
import { EntryKeyType, entryKeyHash } from '../../../src/core/ledger/index.js'
import { createWasmSha256 } from '../../../src/platform/sha256-wasm.js'

describe('SHA-256 implementations', () => {
  it('the wasm and relay hashers agree with the default on every length around their thresholds', async () => {
    const wasm = await createWasmSha256()
    const relay = await createRelaySha256()
    for (let n = 0; n < 1100; n += n < 600 ? 1 : 37) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255)
      const want = sha256(data)
      expect(wasm(data)).toEqual(want)
      expect(relay(data)).toEqual(want)
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (d) => {
        expect(relay(d)).toEqual(sha256(d))
      }),
    )
  })

  it('the account-key fast path hashes exactly the canonical EntryKey encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (id) => {
        expect(entryKeyHash({ type: 'account', id })).toEqual(
          sha256(EntryKeyType.encode({ type: 'account', id })),
        )
      }),
    )
  })
})
