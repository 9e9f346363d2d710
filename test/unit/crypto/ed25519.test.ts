import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import { createVerifyPool } from '../../../relay/src/crypto/verify-pool.js'
import { fromHex } from '../../../src/core/codec/bytes.js'
import { inlineBatchVerifier, nobleEd25519, precheck } from '../../../src/core/crypto/index.js'
import { hasWebCryptoEd25519, webCryptoEd25519 } from '../../../src/platform/ed25519-webcrypto.js'
import { RFC8032, runEd25519Compliance } from './ed25519-compliance.js'

runEd25519Compliance('node:crypto', () => nodeEd25519)
runEd25519Compliance('WebCrypto (Node)', () => webCryptoEd25519())
runEd25519Compliance('@noble/curves', () => nobleEd25519)

describe('Ed25519 backends', () => {
  it('Node has WebCrypto Ed25519', async () => {
    expect(await hasWebCryptoEd25519()).toBe(true)
  })

  it('precheck rejects non-Uint8Array input instead of throwing', () => {
    expect(precheck('x' as never, new Uint8Array(64))).toBe(false)
  })

  it('sync and async node backends agree', () => {
    const v = RFC8032[0]!
    expect(nodeEd25519.verifySync(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature))).toBe(true)
  })
})

describe('batch verification', () => {
  const makeItems = async (n: number) => {
    const items = []
    for (let i = 0; i < n; i++) {
      const seed = new Uint8Array(32).fill(i % 251)
      const message = Uint8Array.of(i & 255, i >> 8)
      items.push({
        publicKey: nodeEd25519.publicKeySync(seed),
        message,
        signature: nodeEd25519.signSync(seed, message),
      })
    }
    return items
  }

  it('the worker pool returns one verdict per item in order, with bad items marked false', async () => {
    const items = await makeItems(300)
    for (const i of [0, 17, 150, 299]) {
      const s = items[i]!.signature.slice()
      s[0]! ^= 1
      items[i] = { ...items[i]!, signature: s }
    }
    const pool = createVerifyPool({ threads: 2, minItemsPerThread: 16 })
    try {
      const got = await pool.verifyBatch(items)
      expect(got).toHaveLength(300)
      expect(got.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).toEqual([0, 17, 150, 299])
    } finally {
      await pool.close()
    }
  })

  it('inline verification honours an aborted signal', async () => {
    const items = await makeItems(4)
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(inlineBatchVerifier(nobleEd25519).verifyBatch(items, { signal: ac.signal })).rejects.toThrow(
      'stop',
    )
  })
})
