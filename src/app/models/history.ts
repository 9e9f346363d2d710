/**
 * Transactions this wallet sent, from signing to a verified outcome: signed → queued (offline) or
 * pending → applied (included, checked with an inclusion proof against a certified header) or failed
 * (with the reason in plain words). Kept in IndexedDB; queued ones are submitted when the network is
 * back. Also hands out sequence numbers, so several transactions can be in flight at once.
 */
import { type Signal, signal } from '@preact/signals'
import type { Operation } from '../../core/ledger/types.js'
import { appDB, type HistoryItem, type HistoryKind } from '../data/db.js'
import type { LightLike } from '../net/light-api.js'
import type { AccountView } from './account.js'
import type { NetworkModel } from './network.js'
import { singleFlight } from './single.js'
import { codeOfResult, wordsForCode, wordsForResult } from './words.js'

export type { HistoryItem, HistoryKind }

const OPEN = new Set(['signed', 'queued', 'pending'])

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
/** A transaction the relays no longer know after this long was dropped (its sequence number is free). */
const DROP_AFTER_MS = 90_000

export interface SendMeta {
  to?: string
  amount?: string
  memo?: string
  day?: string
  fee?: bigint
  /** Fixed sequence number (createAccount uses 1). */
  seq?: bigint
}

export interface HistoryModel {
  readonly items: Signal<HistoryItem[]>
  load(address: string | undefined): Promise<void>
  /** Sign, record and submit a transaction. Resolves once it is recorded (and submitted if online). */
  send(kind: HistoryKind, operations: Operation[], meta?: SendMeta): Promise<HistoryItem>
  /** Re-check open items against the network (called on every new certified ledger). */
  track(): Promise<void>
  get(hash: string): HistoryItem | undefined
}

export function createHistoryModel(
  network: NetworkModel,
  deps: {
    signer: () => import('../wallet/signer.js').WalletSigner | undefined
    account: () => AccountView | undefined
    engine: () => Promise<typeof import('../wallet/engine.js')>
  },
): HistoryModel {
  const items = signal<HistoryItem[]>([])
  let owner: string | undefined

  const sorted = (list: HistoryItem[]) => [...list].sort((a, b) => b.createdAt - a.createdAt)

  async function save(item: HistoryItem): Promise<HistoryItem> {
    if (item.account === owner)
      items.value = sorted([item, ...items.peek().filter((i) => i.hash !== item.hash)])
    await (await appDB()).put('history', item)
    return item
  }

  async function update(hash: string, patch: Partial<HistoryItem>): Promise<void> {
    const cur = items.peek().find((i) => i.hash === hash)
    if (!cur) return
    const next: HistoryItem = { ...cur, ...patch, updatedAt: Date.now() }
    if (next.status === 'applied' || next.status === 'failed' || next.status === 'rejected')
      delete next.envelope
    await save(next)
  }

  function nextSeq(): bigint {
    const acc = deps.account()
    let seq = acc?.exists ? acc.seq : 0n
    for (const i of items.peek()) if (OPEN.has(i.status) && BigInt(i.seq) > seq) seq = BigInt(i.seq)
    return seq + 1n
  }

  async function submit(light: LightLike, item: HistoryItem): Promise<void> {
    if (!item.envelope) return
    try {
      const r = await light.submit(item.envelope)
      if (r.status === 'rejected') {
        await update(item.hash, {
          status: 'rejected',
          reason: wordsForCode(r.code, r.reason),
          ...(r.code ? { code: r.code } : {}),
        })
      } else await update(item.hash, { status: r.status === 'queued' ? 'queued' : 'pending' })
    } catch {
      // No relay reachable: keep it queued; track() submits it when the network is back.
      await update(item.hash, { status: 'queued' })
    }
  }

  const model: HistoryModel = {
    items,
    get: (hash) => items.peek().find((i) => i.hash === hash),
    async load(address) {
      owner = address
      if (!address) {
        items.value = []
        return
      }
      const list = await (await appDB()).getAllFromIndex('history', 'byAccount', address)
      if (owner === address) items.value = sorted(list)
    },
    async send(kind, operations, meta = {}) {
      const signer = deps.signer()
      if (!signer) throw new Error('send: expected an unlocked wallet, got a locked one')
      const e = await deps.engine()
      const fee = meta.fee ?? 0n
      const seq = meta.seq ?? nextSeq()
      const signed = await e.signTransaction(signer, network.networkId(), {
        seq,
        fee,
        ...(meta.memo ? { memo: meta.memo } : {}),
        operations,
      })
      const now = Date.now()
      const item = await save({
        hash: e.toHex(signed.hash),
        account: signer.address,
        kind,
        seq: seq.toString(),
        envelope: signed.bytes,
        fee: fee.toString(),
        ...(meta.to ? { to: meta.to } : {}),
        ...(meta.amount ? { amount: meta.amount } : {}),
        ...(meta.memo ? { memo: meta.memo } : {}),
        ...(meta.day ? { day: meta.day } : {}),
        status: 'signed',
        createdAt: now,
        updatedAt: now,
      })
      // The light client queues it itself when no relay answers; without it (not loaded yet) it waits here.
      const light = network.current()
      if (light) await submit(light, item)
      else await update(item.hash, { status: 'queued' })
      return model.get(item.hash) ?? item
    },
    track: singleFlight(async () => {
      const light = network.current()
      if (!light) return
      for (const item of items.peek().filter((i) => OPEN.has(i.status))) {
        if (item.status === 'signed') {
          await submit(light, item)
          continue
        }
        const st = await light.txStatus(hexBytes(item.hash)).catch(() => undefined)
        if (!st) continue
        if (st.rejected) {
          await update(item.hash, {
            status: 'rejected',
            code: st.rejected.code,
            reason: wordsForCode(st.rejected.code, st.rejected.reason),
          })
        } else if (st.status === 'applied' || st.status === 'failed') {
          const failed =
            st.status === 'failed' || (st.result !== undefined && st.result.code !== 'tx_success')
          const code = failed ? codeOfResult(st.result) : undefined
          await update(item.hash, {
            status: failed ? 'failed' : 'applied',
            verified: st.verified,
            ...(st.ledger !== undefined ? { ledger: st.ledger.toString() } : {}),
            ...(failed ? { reason: wordsForResult(st.result) } : {}),
            ...(code ? { code } : {}),
          })
        } else if (st.queued) {
          if (item.status !== 'queued') await update(item.hash, { status: 'queued' })
        } else if (st.status === 'pending') {
          if (item.status !== 'pending') await update(item.hash, { status: 'pending' })
        } else if (item.status === 'queued') {
          // Queued here while the light client was not loaded: send it now.
          if (network.online.peek()) await submit(light, item)
        } else if (Date.now() - item.updatedAt > DROP_AFTER_MS) {
          const acc = deps.account()
          if (!acc || acc.seq < BigInt(item.seq))
            await update(item.hash, { status: 'failed', code: 'dropped', reason: wordsForCode('dropped') })
        }
      }
    }),
  }
  return model
}
