/**
 * Answers light-client queries from the validator's data: the certified view (the ledger before the
 * last, whose certificate exists), the store (ledgers, results, EXTERNALIZE envelopes) and the queue.
 * Used by the libp2p `light` protocol (binary, for phones) and the HTTP API (JSON, for scripts).
 */
import { equalBytes } from '../../../src/core/codec/bytes.js'
import type { PayoutTable } from '../../../src/core/ledger/payouts.js'
import type { CertifiedHeader, LightRequest, LightResponse } from '../../../src/core/light/index.js'
import type { SmtProof } from '../../../src/core/merkle/smt.js'
import type { Validator } from '../node/validator.js'
import { CertifiedView, EntryType, makePayslip, merkleProofOfResults } from './light-helpers.js'

/**
 * Payout tables of the last days kept for payslips after the sweep has credited them (the ledger drops
 * a table once every line is settled, which for a small day is the very ledger that closes it, so the
 * store alone cannot serve its payslips). Two days: a payslip is read the day after; a table is 56 bytes
 * per miner, so two days of a million miners hold 112 MB. Kept in memory only, lost on restart: the
 * store should keep them (relay issue).
 */
export const PAYSLIP_TABLE_DAYS = 2

export class LightService {
  readonly view: CertifiedView
  private readonly recentTables = new Map<bigint, PayoutTable>()

  constructor(readonly validator: Validator) {
    this.view = new CertifiedView(validator.state)
    validator.onLedger((r) => {
      this.view.advance(r.diff)
      for (const t of r.diff.payoutTablesAdded) this.recentTables.set(t.day, t)
      for (const d of [...this.recentTables.keys()]
        .sort((a, b) => (a < b ? -1 : 1))
        .slice(0, -PAYSLIP_TABLE_DAYS))
        this.recentTables.delete(d)
    })
  }

  /** Header `seq` with the EXTERNALIZE envelopes of slot seq + 1, or undefined if not certified yet. */
  certified(seq: bigint): CertifiedHeader | undefined {
    const record = this.validator.store.ledger(seq)
    if (!record) return undefined
    const certificate = this.validator.store.externalizes(seq + 1n)
    if (certificate.length === 0) return undefined
    return { header: record.header, certificate }
  }

  latestCertified(): CertifiedHeader | undefined {
    const h = this.view.header
    return h ? this.certified(h.seq) : undefined
  }

  async handle(req: LightRequest): Promise<LightResponse> {
    const v = this.validator
    switch (req.type) {
      case 'status': {
        const certified = this.latestCertified()
        return {
          type: 'status',
          networkPassphrase: v.networkPassphrase,
          nodeId: v.nodeId,
          latestSeq: v.state.header.seq,
          synced: v.status().synced ? 'yes' : 'no',
          ...(certified ? { certified } : {}),
        }
      }
      case 'ledger': {
        const certified = this.certified(req.seq)
        return certified
          ? { type: 'ledger', certified }
          : notFound(`ledger ${req.seq} is not closed or not certified yet`)
      }
      case 'account': {
        const certified = this.latestCertified()
        const p = this.view.prove({ type: 'account', id: req.id })
        if (!certified || !p) return unavailable()
        return {
          type: 'account',
          certified,
          ...(p.entry ? { entry: EntryType.encode(p.entry) } : {}),
          proof: p.proof,
        }
      }
      case 'tx': {
        const loc = v.store.txLocation(req.hash)
        if (!loc) return { type: 'tx', status: v.isQueued(req.hash) ? 'pending' : 'unknown' }
        const record = v.store.ledger(loc.seq)
        const certified = this.certified(loc.seq)
        if (!record) return { type: 'tx', status: 'unknown' }
        const result = record.results[loc.index]!
        return {
          type: 'tx',
          status: 'applied',
          ...(certified ? { certified } : {}),
          index: loc.index,
          result,
          proof: merkleProofOfResults(record.results, loc.index, v.state.hasher),
        }
      }
      case 'submit': {
        const r = await v.submitTransaction(req.tx)
        if (r.status === 'rejected') {
          return {
            type: 'submit',
            status: 'rejected',
            code: r.code,
            reason: r.reason.slice(0, 500),
            ...(r.hash ? { hash: r.hash } : {}),
          }
        }
        return {
          type: 'submit',
          status: r.status,
          code: r.status === 'pending' ? 'tx_pending' : 'tx_duplicate',
          reason: '',
          hash: r.hash,
        }
      }
      case 'payslip': {
        const certified = this.latestCertified()
        const day = this.view.prove({ type: 'day', day: req.day })
        if (!certified || !day?.entry || day.entry.type !== 'day' || !day.entry.closed) {
          return notFound(`day ${req.day} is not closed in the latest certified ledger`)
        }
        const account = v.state.account(req.account)
        const table = v.store.payoutTable(req.day) ?? this.recentTables.get(req.day)
        const slip =
          account && table && equalBytes(table.root, day.entry.payoutRoot ?? new Uint8Array())
            ? makePayslip(table, account.index)
            : undefined
        return {
          type: 'payslip',
          certified,
          day: EntryType.encode(day.entry),
          dayProof: day.proof,
          ...(slip ? { payslip: slip } : {}),
        }
      }
      case 'entries': {
        const certified = this.latestCertified()
        if (!certified) return unavailable()
        const entries: { entry?: Uint8Array; proof: SmtProof }[] = []
        for (const key of req.keys) {
          const p = this.view.prove(key)
          if (!p) return unavailable()
          entries.push({ ...(p.entry ? { entry: EntryType.encode(p.entry) } : {}), proof: p.proof })
        }
        return { type: 'entries', certified, entries }
      }
      case 'validators': {
        return { type: 'validators', validators: v.knownQuorumSets().slice(0, 1000) }
      }
    }
  }
}

function notFound(message: string): LightResponse {
  return { type: 'error', code: 'not_found', message }
}
function unavailable(): LightResponse {
  return {
    type: 'error',
    code: 'not_ready',
    message: 'no certified ledger yet: the node has just started; retry in a few seconds',
  }
}
