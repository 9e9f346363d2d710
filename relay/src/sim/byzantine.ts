/**
 * Byzantine nodes. `silent`: never speaks, ignores everything (a node that is down forever).
 * `equivocate`: runs an honest SCP node but, for every statement of its own it sends, replaces each
 * value by one of two different (valid!) values depending on the recipient, so two halves of the
 * network hear contradicting NOMINATE, PREPARE, CONFIRM and EXTERNALIZE statements from it. It
 * cannot forge other nodes' statements (signatures), so relayed statements pass unchanged.
 */
import { compareBytes, equalBytes } from '../../../src/core/codec/index.js'
import type { Ballot, Envelope, Statement, Value } from '../../../src/core/scp/index.js'
import { EnvelopeMessage, encodeEnvelope } from '../../../src/core/scp/index.js'
import type { NodeId, SimContext, SimNode } from './node.js'
import { seedFromString } from './prng.js'
import { type ScpMessage, type ScpNodeConfig, type ScpObserver, ScpSimNode } from './scp-node.js'
import { FLAG_BYZANTINE, makeValue, parseValue } from './values.js'

export type ByzantineKind = 'silent' | 'equivocate'

export class SilentNode implements SimNode<ScpMessage> {
  constructor(readonly id: NodeId) {}
  start(): void {}
  onMessage(): void {}
  crash(): void {}
}

export class EquivocatingNode implements SimNode<ScpMessage> {
  private readonly inner: ScpSimNode
  private peerIndex = new Map<NodeId, number>()

  constructor(
    readonly id: NodeId,
    private readonly config: ScpNodeConfig,
    observer: ScpObserver,
  ) {
    this.inner = new ScpSimNode(id, config, observer)
  }

  start(ctx: SimContext<ScpMessage>): void {
    this.peerIndex = new Map(ctx.peers.map((p, i) => [p, i]))
    const proxy: SimContext<ScpMessage> = {
      ...ctx,
      send: (to, msg) => ctx.send(to, this.mutate(msg, to)),
      broadcast: (msg) => {
        for (const p of ctx.peers) if (p !== this.id) ctx.send(p, this.mutate(msg, p))
      },
    }
    this.inner.start(proxy)
  }

  onMessage(from: NodeId, msg: ScpMessage): void {
    this.inner.onMessage(from, msg)
  }

  crash(): void {
    this.inner.crash()
  }

  /** Two groups of recipients (by index parity) hear two different stories. */
  private mutate(msg: ScpMessage, to: NodeId): ScpMessage {
    const variant = (this.peerIndex.get(to) ?? 0) % 2
    if (msg.type === 'envelope') {
      if (msg.envelope.statement.nodeId !== this.id) return msg
      return { type: 'envelope', envelope: this.lie(msg.envelope, variant) }
    }
    if (msg.type === 'envelopeBytes') {
      const r = EnvelopeMessage.tryDecode(msg.bytes)
      if (!r.ok || r.value.statement.nodeId !== this.id) return msg
      return { type: 'envelopeBytes', bytes: encodeEnvelope(this.lie(r.value, variant)) }
    }
    return msg
  }

  /**
   * The value a recipient group is told instead of `v`: one fixed, valid value per slot and group.
   * (Mapping each value to a fresh one would let two equivocators echo each other's inventions
   * forever, a value flood that stalls nomination once honest votes reach MAX_NOMINATION_VALUES;
   * that is a different attack, see docs/scp.md §Limits.)
   */
  private evil(v: Value, variant: number): Value {
    const parsed = parseValue(v)
    if (!parsed) return v
    const nonce = seedFromString(`${this.id}/${parsed.slot}/${variant}`) & 0xffffff
    return makeValue({ slot: parsed.slot, proposer: this.config.index, flags: FLAG_BYZANTINE, nonce })
  }

  private lie(e: Envelope, variant: number): Envelope {
    const b = (x: Ballot): Ballot => ({ counter: x.counter, value: this.evil(x.value, variant) })
    const list = (vs: Value[]): Value[] =>
      vs
        .map((v) => this.evil(v, variant))
        .sort(compareBytes)
        .filter((v, i, a) => i === 0 || !equalBytes(v, a[i - 1]!))
    const p = e.statement.pledges
    let pledges: Statement['pledges']
    switch (p.type) {
      case 'nominate':
        pledges = { ...p, votes: list(p.votes), accepted: list(p.accepted) }
        break
      case 'prepare': {
        const q: Statement['pledges'] = {
          type: 'prepare',
          quorumSetHash: p.quorumSetHash,
          ballot: b(p.ballot),
          nC: p.nC,
          nH: p.nH,
        }
        if (p.prepared) q.prepared = b(p.prepared)
        if (p.preparedPrime) q.preparedPrime = b(p.preparedPrime)
        pledges = q
        break
      }
      case 'confirm':
        pledges = { ...p, ballot: b(p.ballot) }
        break
      case 'externalize':
        pledges = { ...p, commit: b(p.commit) }
        break
    }
    return { statement: { ...e.statement, pledges }, signature: e.signature }
  }
}
