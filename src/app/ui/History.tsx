/** The history of transactions sent from this device, each with its verified outcome. */
import { formatWatt } from '../../core/ledger/amounts.js'
import type { HistoryItem } from '../models/history.js'
import { app } from '../models/index.js'
import { shortAddress, when } from '../models/words.js'

const KIND: Record<HistoryItem['kind'], string> = {
  createAccount: 'Account created',
  payment: 'Payment',
  checkIn: 'Check-in',
  setSecurityCircle: 'Security circle saved',
}

export function StatusLine({ item }: { item: HistoryItem }) {
  switch (item.status) {
    case 'signed':
    case 'pending':
      return <span class="badge pending">Pending — waiting to be included</span>
    case 'queued':
      return <span class="badge pending">Queued — will be sent when you are back online</span>
    case 'applied':
      return (
        <span class="badge ok">
          <span aria-hidden="true">✓ </span>
          {item.verified ? 'Included and verified' : 'Included (not verified)'} in ledger {item.ledger}
        </span>
      )
    case 'failed':
      return <span class="badge bad">Failed: {item.reason}</span>
    case 'rejected':
      return <span class="badge bad">Refused: {item.reason}</span>
  }
}

function describe(item: HistoryItem): string {
  if (item.kind === 'payment') return `Payment of ${item.amount} WATT to ${shortAddress(item.to ?? '')}`
  if (item.kind === 'checkIn') return `Check-in for day ${item.day}`
  return KIND[item.kind]
}

export function HistoryList({ limit }: { limit?: number }) {
  const items = app.history.items.value.slice(0, limit)
  if (items.length === 0) return <p class="hint">Nothing sent from this device yet.</p>
  return (
    <ul class="history" aria-label="Transactions">
      {items.map((i) => (
        <li key={i.hash}>
          <div class="what">
            <strong>{describe(i)}</strong>
            {i.fee !== '0' && <span class="hint"> · fee {formatWatt(BigInt(i.fee))} WATT</span>}
            {i.memo && <span class="hint"> · “{i.memo}”</span>}
          </div>
          <StatusLine item={i} />
          <div class="hint">
            <time dateTime={new Date(i.createdAt).toISOString()}>{when(i.createdAt)}</time>
          </div>
        </li>
      ))}
    </ul>
  )
}
