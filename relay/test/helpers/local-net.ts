/**
 * Validators in one process on a real clock, joined by an in-memory network: broadcasts are delivered
 * on the next macrotask, fetches are answered by the other validators. For fast tests of the node
 * logic without sockets (the multi-process devnet tests cover the real network).
 */

import { inlineBatchVerifier } from '../../../src/core/crypto/batch.js'
import { accountAddress, validatorId } from '../../../src/core/crypto/strkey.js'
import { createGenesisState, type GenesisConfig, parseGenesis } from '../../../src/core/ledger/index.js'
import type { QuorumSet } from '../../../src/core/scp/index.js'
import { wasmArgon2id } from '../../../src/platform/argon2.js'
import { nodeEd25519 } from '../../src/crypto/ed25519-node.js'
import { createRelaySha256 } from '../../src/crypto/sha256.js'
import type { LedgerBundle, NodeNetwork } from '../../src/node/validator.js'
import { Validator } from '../../src/node/validator.js'
import { MemoryStore } from '../../src/store/memory.js'
import { silentLogger } from '../../src/util/log.js'

export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
}

export function seedFor(n: number, tag = 0x56): Uint8Array {
  const s = new Uint8Array(32)
  new DataView(s.buffer).setUint32(0, n + 1)
  s[31] = tag
  return s
}

export interface LocalNet {
  validators: Validator[]
  down: Set<number>
  genesis: GenesisConfig
  stop(): void
}

export async function localNet(
  n: number,
  threshold: number,
  options: {
    closeTimeMs?: number
    allocations?: { account: string; amount: string }[]
    dayLength?: number
    /** Nodes after the `n` validators that follow consensus without voting (relays of phones). */
    watchers?: number
  } = {},
): Promise<LocalNet> {
  const seeds = Array.from({ length: n + (options.watchers ?? 0) }, (_, i) => seedFor(i))
  const ids = seeds.slice(0, n).map((s) => validatorId(nodeEd25519.publicKeySync(s)))
  const qset: QuorumSet = { threshold, validators: [...ids], innerSets: [] }
  const genesis = parseGenesis({
    networkPassphrase: 'Watt local test network',
    genesisTime: Math.floor(Date.now() / 1000) - 10,
    params: {
      dayLength: options.dayLength ?? 3600,
      checkInDifficulty: 1,
      createAccountDifficulty: 1,
      puzzleMemoryKiB: 8,
    },
    validators: ids.map((id, i) => ({ id, name: `v${i}` })),
    teamAccount: accountAddress(new Uint8Array(32).fill(1)),
    allocations: options.allocations ?? [],
  })
  const hasher = await createRelaySha256()
  const validators: Validator[] = []
  const down = new Set<number>()
  const others = (i: number) => validators.filter((_, j) => j !== i && !down.has(j))
  const firstDefined = async <T>(i: number, f: (v: Validator) => T | undefined): Promise<T | undefined> => {
    await new Promise((r) => setImmediate(r))
    for (const v of others(i)) {
      const x = f(v)
      if (x !== undefined) return x
    }
    return undefined
  }
  for (let i = 0; i < seeds.length; i++) {
    const broadcast = (topic: 'scp' | 'tx', data: Uint8Array) => {
      if (down.has(i)) return
      setImmediate(() => {
        for (const [j, v] of validators.entries()) {
          if (j === i || down.has(j)) continue
          if (topic === 'scp') v.receiveEnvelope(data)
          else void v.submitTransaction(data, { gossip: false })
        }
      })
    }
    const network: NodeNetwork = {
      broadcast,
      resend: (items) => {
        for (const data of items.envelopes ?? []) broadcast('scp', data)
        for (const data of items.txs ?? []) broadcast('tx', data)
      },
      fetchTxSet: (h) => firstDefined(i, (v) => v.txSetBytes(h)),
      fetchQuorumSet: (h) => firstDefined(i, (v) => v.quorumSetBytes(h)),
      fetchLedger: (seq) => firstDefined<LedgerBundle>(i, (v) => v.ledgerBundle(seq)),
      fetchScpState: async (slot) => (await firstDefined(i, (v) => v.scpState(slot))) ?? [],
    }
    validators.push(
      new Validator({
        networkPassphrase: genesis.networkPassphrase,
        seed: seeds[i]!,
        quorumSet: qset,
        isValidator: i < n,
        state: createGenesisState(genesis, { hasher }),
        store: new MemoryStore(),
        network,
        clock: realClock,
        ed25519: nodeEd25519,
        verifier: inlineBatchVerifier(nodeEd25519),
        argon2id: wasmArgon2id,
        log: silentLogger,
        closeTimeMs: options.closeTimeMs ?? 300,
        checkInvariants: true,
      }),
    )
  }
  for (const v of validators) v.start()
  return {
    validators,
    down,
    genesis,
    stop: () => {
      for (const v of validators) v.stop()
    },
  }
}

export async function waitFor(cond: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
