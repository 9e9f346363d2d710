/** Issue 2 benchmarks: Ed25519 verifications/s per backend, and codec throughput for a typical transaction. */

import { nodeEd25519 } from '../../relay/src/crypto/ed25519-node.js'
import { defaultEd25519 } from '../../relay/src/crypto/index.js'
import { createVerifyPool } from '../../relay/src/crypto/verify-pool.js'
import { networkIdOf, signatureBase } from '../../src/core/codec/index.js'
import { nobleEd25519 } from '../../src/core/crypto/index.js'
import {
  type TransactionEnvelope,
  TransactionEnvelopeType,
  TransactionType,
} from '../../src/core/ledger/types.js'
import { webCryptoEd25519 } from '../../src/platform/ed25519-webcrypto.js'
import { type Bench, fmt, rate, rateAsync } from './lib.js'

export default async function (b: Bench): Promise<void> {
  const seed = new Uint8Array(32).fill(7)
  const pk = nodeEd25519.publicKeySync(seed)
  const msg = new Uint8Array(32).fill(1)
  const sig = nodeEd25519.signSync(seed, msg)
  const web = webCryptoEd25519()

  b.section('crypto-verify', 'Ed25519 verification')
  // One core: synchronous backends, and WebCrypto with one call in flight.
  const single: { backend: string; rate: number }[] = [
    { backend: 'node', rate: rate(() => nodeEd25519.verifySync(pk, msg, sig)) },
    { backend: 'webcrypto', rate: await rateAsync(() => web.verify(pk, msg, sig), 700, 1) },
    { backend: 'noble', rate: rate(() => nobleEd25519.verifySync(pk, msg, sig), 1000) },
  ]
  // All cores: the worker-thread pool, and WebCrypto with 64 calls in flight (Node runs them on libuv's pool).
  const pool = createVerifyPool()
  const batch = Array.from({ length: 4000 }, () => ({ publicKey: pk, message: msg, signature: sig }))
  const multi = [
    {
      backend: `node worker pool (${pool.name})`,
      rate: (await rateAsync(() => pool.verifyBatch(batch), 1500)) * batch.length,
    },
    { backend: 'webcrypto, 64 in flight', rate: await rateAsync(() => web.verify(pk, msg, sig), 1500, 64) },
  ]
  await pool.close()
  const fastest = single.reduce((a, r) => (r.rate > a.rate ? r : a))
  b.table([
    ...single.map((r) => ({
      backend: r.backend,
      cores: 1,
      'verifications/s': fmt(r.rate),
      'vs node, 1 core': `${fmt(r.rate / single[0]!.rate, 2)}×`,
    })),
    ...multi.map((r) => ({
      backend: r.backend,
      cores: 'all',
      'verifications/s': fmt(r.rate),
      'vs node, 1 core': `${fmt(r.rate / single[0]!.rate, 2)}×`,
    })),
  ])
  b.note(
    `Signing (node): ${fmt(rate(() => nodeEd25519.signSync(seed, msg)))}/s. Default backend in Node: \`${defaultEd25519.name}\`; ` +
      `fastest on one core: \`${fastest.backend}\` (${defaultEd25519.name === fastest.backend ? 'the default is the fastest' : 'THE DEFAULT IS NOT THE FASTEST'}). ` +
      'Batches on the relay go through the worker pool. In browsers the default is WebCrypto where it implements Ed25519, else noble.',
  )

  b.section('codec-tx', 'Codec: a typical payment transaction')
  const networkId = networkIdOf('Watt bench network')
  const tx = {
    v: 1 as const,
    source: pk,
    seq: 123_456_789n,
    fee: 100n,
    memo: 'rent',
    operations: [{ type: 'payment' as const, destination: new Uint8Array(32).fill(9), amount: 25_000_000n }],
  }
  const base = signatureBase(networkId, 'transaction', TransactionType.encode(tx))
  const env: TransactionEnvelope = {
    tx,
    signatures: [{ publicKey: pk, signature: nodeEd25519.signSync(seed, base) }],
  }
  const bytes = TransactionEnvelopeType.encode(env)
  const enc = rate(() => TransactionEnvelopeType.encode(env))
  const dec = rate(() => TransactionEnvelopeType.decode(bytes))
  const hash = rate(() => signatureBase(networkId, 'transaction', TransactionType.encode(env.tx)))
  b.table([
    {
      step: 'encode envelope',
      'per second': fmt(enc),
      'µs each': fmt(1e6 / enc, 1),
      'MB/s': fmt((enc * bytes.length) / 1e6, 1),
    },
    {
      step: 'decode envelope (strict, with canonical re-encode)',
      'per second': fmt(dec),
      'µs each': fmt(1e6 / dec, 1),
      'MB/s': fmt((dec * bytes.length) / 1e6, 1),
    },
    {
      step: 'transaction hash (encode + SHA-256)',
      'per second': fmt(hash),
      'µs each': fmt(1e6 / hash, 1),
      'MB/s': '',
    },
  ])
  b.note(
    `Envelope size: ${bytes.length} bytes (one payment, a memo, one signature). Decoding costs ${fmt(
      (1e6 / dec / (1e6 / fastest.rate)) * 100,
      0,
    )}% of one native signature verification.`,
  )
}
