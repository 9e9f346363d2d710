import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../../../src/core/codec/bytes.js'
import { accountAddress } from '../../../../src/core/crypto/strkey.js'
import { TransactionEnvelopeType, transactionHash } from '../../../../src/core/ledger/index.js'
import { nodeEd25519 } from '../../../src/crypto/ed25519-node.js'
import { type LocalNet, localNet, seedFor, waitFor } from '../../helpers/local-net.js'

let net: LocalNet | undefined
afterEach(() => {
  net?.stop()
  net = undefined
})

describe('validators in one process', () => {
  it('four validators (threshold 3) close ledgers with identical hashes', async () => {
    net = await localNet(4, 3)
    const [a, b, c, d] = net.validators
    await waitFor(() => net!.validators.every((v) => v.state.header.seq >= 5n), 20_000, 'ledger 5 everywhere')
    const hashAt = (v: typeof a, seq: bigint) => toHex(v!.store.ledger(seq)!.hash)
    for (let s = 2n; s <= 5n; s++) {
      expect(new Set([a, b, c, d].map((v) => hashAt(v, s))).size).toBe(1)
    }
    expect(a!.status().synced).toBe(true)
  })

  it('applies a submitted payment on every validator and keeps closing with one validator down', async () => {
    const alice = { seed: seedFor(100, 1) }
    const alicePk = nodeEd25519.publicKeySync(alice.seed)
    const bobPk = nodeEd25519.publicKeySync(seedFor(101, 1))
    net = await localNet(4, 3, {
      allocations: [
        { account: accountAddress(alicePk), amount: '100' },
        { account: accountAddress(bobPk), amount: '1' },
      ],
    })
    const [a] = net.validators
    await waitFor(() => a!.state.header.seq >= 2n)
    const tx = {
      v: 1 as const,
      source: alicePk,
      seq: 1n,
      fee: 10n,
      operations: [{ type: 'payment' as const, destination: bobPk, amount: 5_000_000n }],
    }
    const env = {
      tx,
      signatures: [
        {
          publicKey: alicePk,
          signature: nodeEd25519.signSync(alice.seed, transactionHash(a!.networkId, tx)),
        },
      ],
    }
    const r = await a!.submitTransaction(TransactionEnvelopeType.encode(env))
    expect(r.status).toBe('pending')
    await waitFor(
      () => net!.validators.every((v) => v.state.account(bobPk)?.balance === 15_000_000n),
      20_000,
      'payment applied',
    )
    // A replay is refused at once.
    const again = await net.validators[1]!.submitTransaction(TransactionEnvelopeType.encode(env))
    expect(again.status).toBe('duplicate')

    net.down.add(3)
    const seq = a!.state.header.seq
    await waitFor(() => a!.state.header.seq >= seq + 3n, 20_000, 'progress with 3 of 4')
    const st = a!.status()
    expect(st.quorum.canCloseLedgers).toBe(true)
  })

  it('a transaction a relay took while cut off reaches the validators once it is back (resent, not lost)', async () => {
    const alice = { seed: seedFor(100, 1) }
    const alicePk = nodeEd25519.publicKeySync(alice.seed)
    const bobPk = nodeEd25519.publicKeySync(seedFor(101, 1))
    // Four validators and a watcher (index 4): the watcher never nominates, so a transaction only it
    // holds is applied only if it sends it to the validators.
    net = await localNet(4, 3, {
      watchers: 1,
      allocations: [
        { account: accountAddress(alicePk), amount: '100' },
        { account: accountAddress(bobPk), amount: '1' },
      ],
    })
    const [a] = net.validators
    const w = net.validators[4]!
    expect(w.status().validator).toBe(false)
    await waitFor(() => w.state.header.seq >= 2n, 20_000, 'the watcher following')
    // Cut off: what it publishes now reaches nobody (a relay that just restarted, peers not connected).
    net.down.add(4)
    const tx = {
      v: 1 as const,
      source: alicePk,
      seq: 1n,
      fee: 10n,
      operations: [{ type: 'payment' as const, destination: bobPk, amount: 5_000_000n }],
    }
    const bytes = TransactionEnvelopeType.encode({
      tx,
      signatures: [
        { publicKey: alicePk, signature: nodeEd25519.signSync(alice.seed, transactionHash(w.networkId, tx)) },
      ],
    })
    const r = await w.submitTransaction(bytes)
    expect(r.status).toBe('pending')
    const seq = a!.state.header.seq
    await waitFor(() => a!.state.header.seq >= seq + 3n, 20_000, 'validators closing without the watcher')
    expect(a!.isQueued(r.hash!)).toBe(false)
    net.down.delete(4)
    await waitFor(
      () => net!.validators.every((v) => v.state.account(bobPk)?.balance === 15_000_000n),
      20_000,
      'the payment applied everywhere, the watcher included',
    )
    expect(w.isQueued(r.hash!)).toBe(false)
  })

  it('refuses malformed and badly signed envelopes and transactions without harm', async () => {
    net = await localNet(4, 3)
    const [a] = net.validators
    expect(a!.receiveEnvelope(new Uint8Array([1, 2, 3]))).toBe('malformed')
    const r = await a!.submitTransaction(new Uint8Array([0x82, 0x01]))
    expect(r).toMatchObject({ status: 'rejected', code: 'tx_malformed' })
    await waitFor(() => a!.state.header.seq >= 3n)
  })
})
