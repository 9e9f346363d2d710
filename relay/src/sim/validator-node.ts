/**
 * Whole validators in the simulator: the relay's `Validator` (SCP + ledger + queue + catch-up), the
 * same code a real relay runs, on the simulator's virtual clock and network instead of timers and
 * libp2p. Its store is a MemoryStore kept on the simulated "disk" (ctx.storage), so a crash loses
 * what a `kill -9` would lose and a restart restores the ledger and the node's own SCP statements.
 */

import { sha256 } from '../../../src/core/codec/hash.js'
import { inlineBatchVerifier } from '../../../src/core/crypto/batch.js'
import type { GenesisConfig } from '../../../src/core/ledger/index.js'
import type { QuorumSet } from '../../../src/core/scp/index.js'
import { wasmArgon2id } from '../../../src/platform/argon2.js'
import { nodeEd25519 } from '../crypto/ed25519-node.js'
import { isHeaderOf, isQuorumSetFor, isTxSetFor } from '../node/content.js'
import { openState } from '../node/open-state.js'
import type { LedgerBundle, NodeNetwork } from '../node/validator.js'
import { Validator } from '../node/validator.js'
import { MemoryStore } from '../store/memory.js'
import { silentLogger } from '../util/log.js'
import type { NodeId, SimContext, SimNode, TimerHandle } from './node.js'

export type ValidatorMsg =
  | { t: 'scp'; data: Uint8Array }
  | { t: 'tx'; data: Uint8Array }
  | { t: 'req'; id: number; kind: 'txset' | 'qset'; hash: Uint8Array }
  | { t: 'req'; id: number; kind: 'ledger' | 'scpstate'; seq: bigint }
  | {
      t: 'res'
      id: number
      data?: Uint8Array | undefined
      bundle?: LedgerBundle | undefined
      list?: Uint8Array[]
    }

/** Virtual time 0 of the simulator is this wall-clock instant (close times are Unix seconds). */
export const SIM_EPOCH_MS = 1_767_225_600_000

/** A request to one peer is abandoned after this long (virtual ms) and the next peer is asked. */
const REQUEST_TIMEOUT_MS = 1_000

export interface ValidatorNodeInit {
  id: NodeId
  seed: Uint8Array
  genesis: GenesisConfig
  quorumSet: QuorumSet
  closeTimeMs: number
  /** Called after every ledger this node closes (the scenario records hashes). */
  onLedger?: (id: NodeId, seq: bigint, hash: Uint8Array) => void
}

export class ValidatorSimNode implements SimNode<ValidatorMsg> {
  readonly id: NodeId
  validator: Validator | undefined
  private ctx: SimContext<ValidatorMsg> | undefined
  private nextId = 1
  private readonly waiting = new Map<
    number,
    { resolve: (m: ValidatorMsg & { t: 'res' }) => void; timer: TimerHandle }
  >()

  constructor(private readonly init: ValidatorNodeInit) {
    this.id = init.id
  }

  start(ctx: SimContext<ValidatorMsg>): void {
    this.ctx = ctx
    let store = ctx.storage.get('store') as MemoryStore | undefined
    if (!store) {
      store = new MemoryStore()
      ctx.storage.set('store', store)
    }
    const state = openState(store, this.init.genesis, sha256, silentLogger)
    const timers = new Map<unknown, TimerHandle>()
    let timerKey = 0
    this.validator = new Validator({
      networkPassphrase: this.init.genesis.networkPassphrase,
      seed: this.init.seed,
      quorumSet: this.init.quorumSet,
      state,
      store,
      network: this.network(),
      clock: {
        now: () => SIM_EPOCH_MS + ctx.now(),
        setTimeout: (fn, ms) => {
          const key = ++timerKey
          timers.set(
            key,
            ctx.setTimer(ms, () => {
              timers.delete(key)
              fn()
            }),
          )
          return key
        },
        clearTimeout: (key) => {
          ctx.clearTimer(timers.get(key))
          timers.delete(key)
        },
      },
      ed25519: nodeEd25519,
      verifier: inlineBatchVerifier(nodeEd25519),
      argon2id: wasmArgon2id,
      log: silentLogger,
      closeTimeMs: this.init.closeTimeMs,
      checkInvariants: true,
    })
    this.validator.onLedger((r) => {
      ctx.trace(`${this.id} closed ${r.header.seq}`)
      this.init.onLedger?.(this.id, r.header.seq, r.headerHash)
    })
    this.validator.start()
  }

  crash(): void {
    this.validator?.stop()
    this.validator = undefined
    for (const w of this.waiting.values()) this.ctx?.clearTimer(w.timer)
    this.waiting.clear()
  }

  onMessage(from: NodeId, msg: ValidatorMsg): void {
    const v = this.validator
    const ctx = this.ctx
    if (!v || !ctx) return
    switch (msg.t) {
      case 'scp':
        v.receiveEnvelope(msg.data)
        return
      case 'tx':
        void v.submitTransaction(msg.data, { gossip: false })
        return
      case 'req': {
        const res: ValidatorMsg = { t: 'res', id: msg.id }
        if (msg.kind === 'txset') res.data = v.txSetBytes(msg.hash) ?? v.storedTxSet(msg.hash)
        else if (msg.kind === 'qset') res.data = v.quorumSetBytes(msg.hash)
        else if (msg.kind === 'ledger') res.bundle = v.ledgerBundle(msg.seq)
        else if (msg.kind === 'scpstate') res.list = v.scpState(msg.seq)
        ctx.send(from, res)
        return
      }
      case 'res': {
        const w = this.waiting.get(msg.id)
        if (!w) return
        this.waiting.delete(msg.id)
        ctx.clearTimer(w.timer)
        w.resolve(msg)
      }
    }
  }

  /** Ask peers one after another until one answers with something. */
  private async ask<T>(
    make: (id: number) => ValidatorMsg,
    pick: (m: ValidatorMsg & { t: 'res' }) => T | undefined,
  ): Promise<T | undefined> {
    const ctx = this.ctx
    if (!ctx) return undefined
    const peers = ctx.rng.shuffle(ctx.peers.filter((p) => p !== this.id))
    for (const peer of peers) {
      const id = this.nextId++
      const answer = await new Promise<(ValidatorMsg & { t: 'res' }) | undefined>((resolve) => {
        const timer = ctx.setTimer(REQUEST_TIMEOUT_MS, () => {
          this.waiting.delete(id)
          resolve(undefined)
        })
        this.waiting.set(id, { resolve, timer })
        ctx.send(peer, make(id))
      })
      const v = answer && pick(answer)
      if (v !== undefined) return v
    }
    return undefined
  }

  private network(): NodeNetwork {
    return {
      broadcast: (topic, data) => this.ctx?.broadcast({ t: topic, data }),
      // The simulated network does not deduplicate, so a resend is a broadcast of each item again.
      resend: (items) => {
        for (const data of items.envelopes ?? []) this.ctx?.broadcast({ t: 'scp', data })
        for (const data of items.txs ?? []) this.ctx?.broadcast({ t: 'tx', data })
      },
      fetchTxSet: (hash) =>
        this.ask(
          (id) => ({ t: 'req', id, kind: 'txset', hash }),
          (m) => (isTxSetFor(hash, m.data) ? m.data : undefined),
        ),
      fetchQuorumSet: (hash) =>
        this.ask(
          (id) => ({ t: 'req', id, kind: 'qset', hash }),
          (m) => (isQuorumSetFor(hash, m.data) ? m.data : undefined),
        ),
      fetchLedger: (seq) =>
        this.ask(
          (id) => ({ t: 'req', id, kind: 'ledger', seq }),
          (m) => (isHeaderOf(seq, m.bundle?.header) ? m.bundle : undefined),
        ),
      fetchScpState: async (slot) =>
        (await this.ask(
          (id) => ({ t: 'req', id, kind: 'scpstate', seq: slot }),
          (m) => (m.list?.length ? m.list : undefined),
        )) ?? [],
    }
  }
}
