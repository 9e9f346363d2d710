/**
 * The simulator's kernel: seeded PRNG, virtual clock and event queue, and the simulated network
 * (latency, loss, duplication, partitions, crash and restart), driven by small test nodes.
 */
import { describe, expect, it } from 'vitest'
import {
  Prng,
  Scheduler,
  type SimContext,
  SimNetwork,
  type SimNode,
  seedFromString,
  Trace,
} from '../../../relay/src/sim/index.js'

describe('Prng', () => {
  it('replays the same sequence from the same seed and differs across seeds', () => {
    const a = new Prng(7)
    const b = new Prng(7)
    const c = new Prng(8)
    const sa = Array.from({ length: 5 }, () => a.nextU32())
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(sa)
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(sa)
  })
  it('stays in range and covers it', () => {
    const r = new Prng(1)
    const seen = new Set<number>()
    for (let i = 0; i < 2000; i++) {
      const x = r.int(3, 9)
      expect(x).toBeGreaterThanOrEqual(3)
      expect(x).toBeLessThanOrEqual(9)
      seen.add(x)
      const f = r.float()
      expect(f >= 0 && f < 1).toBe(true)
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7, 8, 9])
  })
  it('chance(p) is near p, shuffle is a permutation, names hash to seeds', () => {
    const r = new Prng(99)
    let hits = 0
    for (let i = 0; i < 10_000; i++) if (r.chance(0.3)) hits++
    expect(hits).toBeGreaterThan(2800)
    expect(hits).toBeLessThan(3200)
    expect(r.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5])
    expect(seedFromString('scenario a')).toBe(seedFromString('scenario a'))
    expect(seedFromString('scenario a')).not.toBe(seedFromString('scenario b'))
  })
})

describe('Scheduler', () => {
  it('runs events in time order, ties in scheduling order, and skips cancelled ones', () => {
    const s = new Scheduler()
    const log: string[] = []
    s.schedule(20, () => log.push(`b@${s.now()}`))
    s.schedule(10, () => log.push(`a@${s.now()}`))
    s.schedule(20, () => log.push(`c@${s.now()}`))
    const x = s.schedule(15, () => log.push('cancelled'))
    s.cancel(x)
    s.schedule(10, () => s.schedule(0, () => log.push(`d@${s.now()}`)))
    s.runUntil(100)
    expect(log).toEqual(['a@10', 'd@10', 'b@20', 'c@20'])
    expect(s.now()).toBe(100)
  })
  it('stops at the time bound and when the stop condition holds', () => {
    const s = new Scheduler()
    let n = 0
    const tick = () => {
      n++
      s.schedule(10, tick)
    }
    s.schedule(0, tick)
    s.runUntil(45)
    expect(n).toBe(5) // 0, 10, 20, 30, 40
    s.runUntil(1000, () => n >= 8)
    expect(n).toBe(8)
  })
})

/** A node that logs what it receives and echoes pings. */
class EchoNode implements SimNode<string> {
  ctx: SimContext<string> | undefined
  readonly got: string[] = []
  lives = 0
  constructor(readonly id: string) {}
  start(ctx: SimContext<string>): void {
    this.ctx = ctx
    this.lives++
    ctx.storage.set('boots', ((ctx.storage.get('boots') as number | undefined) ?? 0) + 1)
  }
  onMessage(from: string, msg: string): void {
    this.got.push(`${msg}<${from}@${this.ctx!.now()}`)
    if (msg === 'ping') this.ctx!.send(from, 'pong')
  }
  crash(): void {
    this.ctx = undefined
  }
}

function net(
  links: Partial<{ latencyMs: [number, number]; jitterMs: number; loss: number; duplicate: number }> = {},
) {
  const s = new Scheduler()
  const n = new SimNetwork<string>(
    s,
    new Prng(5),
    { latencyMs: [10, 10], jitterMs: 0, loss: 0, duplicate: 0, ...links },
    new Trace(true),
  )
  const a = new EchoNode('a')
  const b = new EchoNode('b')
  const c = new EchoNode('c')
  for (const x of [a, b, c]) n.add(x)
  n.startAll()
  return { s, n, a, b, c }
}

describe('SimNetwork', () => {
  it('delivers after the link latency, and replies come back', () => {
    const { s, a, b } = net()
    a.ctx!.send('b', 'ping')
    s.runUntil(100)
    expect(b.got).toEqual(['ping<a@10'])
    expect(a.got).toEqual(['pong<b@20'])
  })
  it('broadcasts to every other node', () => {
    const { s, a, b, c } = net()
    a.ctx!.broadcast('hello')
    s.runUntil(100)
    expect([a.got, b.got, c.got]).toEqual([[], ['hello<a@10'], ['hello<a@10']])
  })
  it('loses and duplicates messages at the configured rates, only before faultsUntil', () => {
    const { s, n, a, b } = net({ loss: 0.2, duplicate: 0.1 })
    n.faultsUntil = 1000
    for (let i = 0; i < 1000; i++) a.ctx!.send('b', 'x')
    s.runUntil(500)
    expect(n.stats.lost).toBeGreaterThan(150)
    expect(n.stats.lost).toBeLessThan(250)
    expect(n.stats.duplicated).toBeGreaterThan(50)
    expect(b.got.length).toBe(1000 - n.stats.lost + n.stats.duplicated)
    s.runUntil(1500)
    const before = b.got.length
    for (let i = 0; i < 100; i++) a.ctx!.send('b', 'y')
    s.runUntil(2000)
    expect(b.got.length - before).toBe(100)
  })
  it('jitter lets messages overtake each other', () => {
    const { s, a, b } = net({ jitterMs: 50 })
    for (let i = 0; i < 20; i++) a.ctx!.send('b', String(i))
    s.runUntil(200)
    const order = b.got.map((g) => Number(g.split('<')[0]))
    expect(order.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(b.got.map((g) => Number(g.split('<')[0]))).not.toEqual(order)
  })
  it('partitions cut links between groups until they heal, including messages in flight', () => {
    const { s, n, a, b, c } = net()
    n.addPartition({ from: 5, to: 50, groups: [['a'], ['b']] })
    a.ctx!.send('b', 'sent-before') // in flight when the partition starts at 5
    s.runUntil(20)
    a.ctx!.send('b', 'during')
    a.ctx!.send('c', 'to-c') // c is in no group: reachable
    s.runUntil(60)
    a.ctx!.send('b', 'after')
    s.runUntil(100)
    expect(b.got).toEqual(['after<a@70'])
    expect(c.got).toEqual(['to-c<a@30'])
    expect(n.stats.partitioned).toBe(2)
  })
  it('a crashed node loses its timers and messages, keeps its storage, and restarts with a new life', () => {
    const { s, n, a, b } = net()
    let fired = 0
    b.ctx!.setTimer(30, () => fired++)
    a.ctx!.send('b', 'lost')
    s.runUntil(5)
    n.crash('b')
    s.runUntil(40)
    expect(fired).toBe(0)
    expect(b.got).toEqual([])
    expect(n.stats.toDownNode).toBe(1)
    n.start('b')
    expect(b.lives).toBe(2)
    expect(n.storageOf('b').get('boots')).toBe(2)
    a.ctx!.send('b', 'back')
    s.runUntil(100)
    expect(b.got).toEqual(['back<a@50'])
  })
})
