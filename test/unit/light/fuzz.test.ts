/**
 * Peer input never breaks the client: a relay whose every answer has random bytes changed (status,
 * validators, account, ledger lookups) cannot make `account()` throw, return a wrong balance, or raise
 * any alarm but 'forged' against it — the honest relay's verified answer is always the one returned.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodeEd25519 } from '../../../relay/src/crypto/ed25519-node.js'
import { LightClient, memoryStore } from '../../../src/app/light/index.js'
import { key } from '../../helpers/ledger.js'
import { FakeNetwork, FakeRelay, fakeTransport, networkId, PASSPHRASE, VALIDATORS } from './fixtures.js'

const alice = key(1)

describe('a relay sending corrupted bytes', () => {
  it('never breaks an answer verified from the honest relay', async () => {
    const net = new FakeNetwork()
    for (let i = 0; i < 3; i++) await net.close()
    const expected = net.view.prove({ type: 'account', id: alice.publicKey })?.entry
    const honest = new FakeRelay(net, 'honest', VALIDATORS[0]!.id)
    const noisy = new FakeRelay(net, 'noisy', VALIDATORS[1]!.id)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (flips, truncate) => {
          noisy.mutate = (bytes) => {
            const b = bytes.slice()
            for (const [at, x] of flips) b[at % b.length]! ^= x
            return truncate ? b.subarray(0, Math.max(1, b.length - (flips[0]![0] % 64))) : b
          }
          const c = new LightClient({
            networkId,
            networkPassphrase: PASSPHRASE,
            relays: [noisy.addr, honest.addr],
            storage: memoryStore(),
            ed25519: nodeEd25519,
            transport: fakeTransport([noisy, honest]),
            pollIntervalMs: 3_600_000,
            now: () => Number(net.ledger.closeTime) * 1000,
          })
          try {
            await c.start()
            const a = await c.account(alice.address)
            expect(a.account).toEqual(expected)
            const kinds = new Set(c.snapshot().alarms.map((x) => x.kind))
            for (const k of kinds) expect(k, JSON.stringify(c.snapshot().alarms)).toBe('forged')
            for (const al of c.snapshot().alarms) expect(al.relays).toEqual([noisy.addr])
          } finally {
            await c.stop()
          }
        },
      ),
      { numRuns: 150, seed: 6 },
    )
  }, 60_000)
})
