/**
 * Ed25519 in Chromium: the browser's WebCrypto (BoringSSL) and the noble fallback give exactly the
 * verdicts of the Node compliance suite on RFC 8032 vectors and on the edge cases where libraries
 * disagree, the default backend is WebCrypto, and the Web Worker pool verifies batches in order and
 * stops on abort.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { concatBytes, fromHex, toHex } from '../../src/core/codec/bytes.js'
import { mixedOrderCase, RFC8032 } from '../unit/crypto/ed25519-compliance.js'
import { type ChromiumSession, chromiumAvailable, launchChromium } from './harness/chromium.js'
import { buildAndServe, type Site } from './harness/serve.js'
import type { Case, VerifyPage } from './verify-page/main.js'

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const le = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n))
const leNum = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n)

function cases(): Case[] {
  const v = RFC8032[1]!
  const sig = fromHex(v.signature)
  const mixed = mixedOrderCase()
  const out: Case[] = RFC8032.map((r) => ({
    name: r.name,
    publicKey: r.publicKey,
    message: r.message,
    signature: r.signature,
  }))
  const tampered = sig.slice()
  tampered[5]! ^= 1
  out.push(
    { name: 'tampered signature', publicKey: v.publicKey, message: v.message, signature: toHex(tampered) },
    { name: 'tampered message', publicKey: v.publicKey, message: '73', signature: v.signature },
    { name: 'wrong key', publicKey: RFC8032[0]!.publicKey, message: v.message, signature: v.signature },
    {
      name: 'S + L',
      publicKey: v.publicKey,
      message: v.message,
      signature: toHex(concatBytes(sig.subarray(0, 32), le(leNum(sig.subarray(32)) + L))),
    },
    {
      name: 'non-canonical A',
      publicKey: `ee${'ff'.repeat(30)}7f`,
      message: v.message,
      signature: v.signature,
    },
    {
      name: 'small-order A, forged',
      publicKey: `01${'00'.repeat(31)}`,
      message: '010203',
      signature: `01${'00'.repeat(63)}`,
    },
    {
      name: 'mixed-order A',
      publicKey: toHex(mixed.publicKey),
      message: toHex(mixed.message),
      signature: toHex(mixed.signature),
    },
    { name: 'short key', publicKey: v.publicKey.slice(2), message: v.message, signature: v.signature },
  )
  return out
}

describe.skipIf(!chromiumAvailable())('Ed25519 in Chromium', () => {
  let site: Site
  let s: ChromiumSession
  const call = <K extends keyof VerifyPage>(fn: K, ...args: Parameters<VerifyPage[K]>) =>
    s.page.evaluate(
      ([name, a]) =>
        (globalThis as unknown as { verifyPage: Record<string, (...x: unknown[]) => unknown> }).verifyPage[
          name as string
        ]!(...(a as unknown[])),
      [fn, args] as const,
    ) as Promise<Awaited<ReturnType<VerifyPage[K]>>>

  beforeAll(async () => {
    site = await buildAndServe(new URL('./verify-page/', import.meta.url))
    s = await launchChromium()
    await s.page.goto(site.url)
    await s.page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready')
  })
  afterAll(async () => {
    await s?.close()
    await site?.close()
  })

  it('defaults to WebCrypto, which Chromium implements for Ed25519', async () => {
    expect(await call('backends')).toEqual({ webcrypto: true, picked: 'webcrypto' })
  })

  it('WebCrypto (BoringSSL) and noble agree with node:crypto on every compliance case', async () => {
    const cs = cases()
    const expected = await Promise.all(
      cs.map((c) => nodeEd25519.verify(fromHex(c.publicKey), fromHex(c.message), fromHex(c.signature))),
    )
    expect(expected.filter(Boolean)).toHaveLength(3) // only the three RFC vectors are valid
    const got = await call('verdicts', cs)
    expect(got.webcrypto).toEqual(expected)
    expect(got.noble).toEqual(expected)
  })

  it('the Web Worker pool verifies a batch in order and stops on abort', async () => {
    const cs = cases()
    const expected = await Promise.all(
      cs.map((c) => nodeEd25519.verify(fromHex(c.publicKey), fromHex(c.message), fromHex(c.signature))),
    )
    const r = await call('pool', cs, 20)
    expect(r.threads).toBe(2)
    expect(r.verdicts).toEqual(Array.from({ length: 20 }, () => expected).flat())
    expect(r.abortOutcome).toBe('AbortError')
  })
})
