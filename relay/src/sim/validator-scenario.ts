/**
 * Whole-network scenarios of full validators in the simulator (relay issue): partitions, crashes and
 * restarts, Byzantine validators, and a day close under load — no sockets, virtual time, seeded.
 *
 * The simulator's scheduler is synchronous; the validator's checks and fetches are promises. After
 * every simulated event the driver lets pending promise work run (one macrotask turn) before the
 * next event, so the interleaving depends only on the seed.
 */

import { toHex } from '../../../src/core/codec/bytes.js'
import { networkIdOf } from '../../../src/core/codec/signing.js'
import { accountAddress, validatorId } from '../../../src/core/crypto/strkey.js'
import { parseGenesis, TransactionEnvelopeType, transactionHash } from '../../../src/core/ledger/index.js'
import type { QuorumSet } from '../../../src/core/scp/index.js'
import { nodeEd25519 } from '../crypto/ed25519-node.js'
import { CLEAN_LINKS, type LinkConfig, type Partition, SimNetwork } from './network.js'
import type { NodeId, SimContext, SimNode } from './node.js'
import { Prng } from './prng.js'
import { Scheduler } from './scheduler.js'
import { Trace } from './trace.js'
import { SIM_EPOCH_MS, type ValidatorMsg, ValidatorSimNode } from './validator-node.js'

export interface ValidatorScenario {
  seed: number
  validators: number
  /** Default: BFT majority n − ⌊(n − 1) / 3⌋. */
  threshold?: number
  /** @default 1000 */
  closeTimeMs?: number
  /** Mining day, seconds. @default 60 */
  dayLength?: number
  durationMs: number
  links?: LinkConfig
  /** Partitions by validator index: nodes in different groups cannot reach each other. */
  partitions?: { from: number; to: number; groups: number[][] }[]
  crashes?: { node: number; at: number; restartAt?: number }[]
  /** Validators replaced by a Byzantine node: 'silent' says nothing; 'garbage' floods malformed and forged messages. */
  byzantine?: { node: number; kind: 'silent' | 'garbage' }[]
  /** Client load: funded accounts making payments every ledger and checking in once a day. */
  load?: { accounts: number; paymentsPerLedger: number; checkIns: boolean }
}

export interface ValidatorScenarioResult {
  /** Ledger hashes each honest node closed, by sequence. */
  hashes: Map<NodeId, Map<bigint, string>>
  /** Highest ledger each honest node reached. */
  heights: Map<NodeId, bigint>
  /** Virtual time each ledger was first closed by any node. */
  firstClosedAt: Map<bigint, number>
  safety: { ok: true } | { ok: false; problem: string }
  traceHash: string
  events: number
  /** Transactions the load generator submitted, and how many ended in a ledger as successes. */
  submitted: number
  applied: number
  daysClosed: number
}

const seedOf = (tag: number, i: number) => {
  const s = new Uint8Array(32)
  new DataView(s.buffer).setUint32(0, i + 1)
  s[30] = tag
  s[31] = 0x5a
  return s
}

/** A Byzantine validator that floods garbage, forged signatures and stale statements. */
class GarbageNode implements SimNode<ValidatorMsg> {
  private ctx: SimContext<ValidatorMsg> | undefined
  constructor(readonly id: NodeId) {}
  start(ctx: SimContext<ValidatorMsg>): void {
    this.ctx = ctx
    const spam = () => {
      const junk = new Uint8Array(ctx.rng.int(1, 300)).map(() => ctx.rng.int(0, 255))
      ctx.broadcast({ t: ctx.rng.chance(0.5) ? 'scp' : 'tx', data: junk })
      ctx.setTimer(ctx.rng.int(50, 250), spam)
    }
    ctx.setTimer(10, spam)
  }
  onMessage(from: NodeId, msg: ValidatorMsg): void {
    // Echo envelopes back with a flipped signature bit: forged statements in a valid encoding.
    if (msg.t === 'scp' && this.ctx && msg.data.length > 10) {
      // A copy: in Node the codec's bytes can be Buffers, whose slice() is a view of the original.
      const forged = new Uint8Array(msg.data)
      forged[forged.length - 1]! ^= 1
      this.ctx.broadcast({ t: 'scp', data: forged })
    }
    if (msg.t === 'req') this.ctx?.send(from, { t: 'res', id: msg.id, data: new Uint8Array([0xff, 0xff]) })
  }
  crash(): void {}
}

class SilentNode implements SimNode<ValidatorMsg> {
  constructor(readonly id: NodeId) {}
  start(): void {}
  onMessage(): void {}
  crash(): void {}
}

export async function runValidatorScenario(s: ValidatorScenario): Promise<ValidatorScenarioResult> {
  const n = s.validators
  const threshold = s.threshold ?? n - Math.floor((n - 1) / 3)
  const closeTimeMs = s.closeTimeMs ?? 1000
  const seeds = Array.from({ length: n }, (_, i) => seedOf(1, i))
  const ids = seeds.map((sd) => validatorId(nodeEd25519.publicKeySync(sd)))
  const quorumSet: QuorumSet = { threshold, validators: [...ids].sort(), innerSets: [] }
  const accounts = Array.from({ length: s.load?.accounts ?? 0 }, (_, i) => {
    const seed = seedOf(2, i)
    return { seed, pk: nodeEd25519.publicKeySync(seed) }
  })
  const passphrase = `Watt sim ${s.seed}`
  const genesis = parseGenesis({
    networkPassphrase: passphrase,
    genesisTime: SIM_EPOCH_MS / 1000,
    params: {
      dayLength: s.dayLength ?? 60,
      checkInDifficulty: 0,
      createAccountDifficulty: 0,
      puzzleMemoryKiB: 8,
    },
    validators: ids.map((id, i) => ({ id, name: `v${i}` })),
    teamAccount: accountAddress(new Uint8Array(32).fill(3)),
    allocations: accounts.map((a) => ({ account: accountAddress(a.pk), amount: '1000' })),
  })
  const networkId = networkIdOf(passphrase)

  const scheduler = new Scheduler()
  const rng = new Prng(s.seed)
  const trace = new Trace()
  const net = new SimNetwork<ValidatorMsg>(scheduler, rng, s.links ?? CLEAN_LINKS, trace)
  const hashes = new Map<NodeId, Map<bigint, string>>()
  const heights = new Map<NodeId, bigint>()
  const byz = new Map((s.byzantine ?? []).map((b) => [b.node, b.kind]))
  const honest: ValidatorSimNode[] = []
  let safetyProblem: string | undefined
  const canonical = new Map<bigint, string>()
  const firstClosedAt = new Map<bigint, number>()
  for (let i = 0; i < n; i++) {
    const kind = byz.get(i)
    if (kind === 'silent') net.add(new SilentNode(ids[i]!))
    else if (kind === 'garbage') net.add(new GarbageNode(ids[i]!))
    else {
      const node = new ValidatorSimNode({
        id: ids[i]!,
        seed: seeds[i]!,
        genesis,
        quorumSet,
        closeTimeMs,
        onLedger: (id, seq, hash) => {
          const h = toHex(hash)
          const m = hashes.get(id) ?? new Map<bigint, string>()
          hashes.set(id, m)
          m.set(seq, h)
          heights.set(id, seq)
          const c = canonical.get(seq)
          if (!firstClosedAt.has(seq)) firstClosedAt.set(seq, scheduler.now())
          if (c === undefined) canonical.set(seq, h)
          else if (c !== h && !safetyProblem)
            safetyProblem = `ledger ${seq}: ${id} closed ${h.slice(0, 12)}, another node ${c.slice(0, 12)}`
        },
      })
      honest.push(node)
      net.add(node)
    }
  }
  for (const p of s.partitions ?? []) {
    const partition: Partition = {
      from: p.from,
      to: p.to,
      groups: p.groups.map((g) => g.map((i) => ids[i]!)),
    }
    net.addPartition(partition)
  }
  for (const c of s.crashes ?? []) {
    scheduler.at(c.at, () => net.crash(ids[c.node]!))
    if (c.restartAt !== undefined) scheduler.at(c.restartAt, () => net.start(ids[c.node]!))
  }
  net.startAll()

  // Client load: every ledger interval, some accounts pay someone; once a day every account checks in.
  let submitted = 0
  const mine = new Set<string>()
  const checkedIn = new Map<number, bigint>()
  if (s.load) {
    const load = s.load
    const tick = () => {
      const live = honest.filter((h) => h.validator && net.isUp(h.id))
      const node = live.length > 0 ? rng.pick(live) : undefined
      const v = node?.validator
      if (v) {
        const day = v.state.header.day
        const txs: Uint8Array[] = []
        for (let k = 0; k < load.paymentsPerLedger; k++) {
          const from = rng.int(0, accounts.length - 1)
          const to = (from + 1 + rng.int(0, accounts.length - 2)) % accounts.length
          const a = v.state.account(accounts[from]!.pk)
          if (!a) continue
          const ops: Parameters<typeof makeTx>[2] = [
            { type: 'payment', destination: accounts[to]!.pk, amount: BigInt(rng.int(1, 1000)) },
          ]
          if (load.checkIns && checkedIn.get(from) !== day && a.checkIns.lastDay !== day) {
            ops.push({ type: 'checkIn', day, nonce: 0n })
            checkedIn.set(from, day)
          }
          txs.push(makeTx(networkId, accounts[from]!, ops, a.seq + 1n))
        }
        for (const t of txs) {
          submitted++
          void v.submitTransaction(t).then((r) => {
            if (r.status === 'pending') mine.add(toHex(r.hash))
          })
        }
      }
      scheduler.schedule(closeTimeMs, tick)
    }
    scheduler.schedule(closeTimeMs * 2, tick)
  }

  while (scheduler.now() < s.durationMs && scheduler.step()) {
    await new Promise<void>((r) => setImmediate(r))
  }
  for (const h of honest) h.validator?.stop()

  let applied = 0
  let daysClosed = 0
  const ref = honest.find((h) => h.validator)?.validator
  if (ref) {
    for (const hex of mine) {
      const loc = ref.store.txLocation(Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16))))
      if (loc) applied++
    }
    for (let d = 0n; d < ref.state.header.day; d++) if (ref.state.day(d)?.closed) daysClosed++
  }
  return {
    hashes,
    heights,
    firstClosedAt,
    safety: safetyProblem ? { ok: false, problem: safetyProblem } : { ok: true },
    traceHash: trace.hex(),
    events: scheduler.executed,
    submitted,
    applied,
    daysClosed,
  }
}

function makeTx(
  networkId: Uint8Array,
  who: { seed: Uint8Array; pk: Uint8Array },
  operations: (
    | { type: 'payment'; destination: Uint8Array; amount: bigint }
    | { type: 'checkIn'; day: bigint; nonce: bigint }
  )[],
  seq: bigint,
): Uint8Array {
  const tx = { v: 1 as const, source: who.pk, seq, fee: 10n, operations }
  return TransactionEnvelopeType.encode({
    tx,
    signatures: [
      { publicKey: who.pk, signature: nodeEd25519.signSync(who.seed, transactionHash(networkId, tx)) },
    ],
  })
}
