/** The network view: alarms, the latest certified ledger, close times, relays, the trusted quorum set. */

import { app } from '../models/index.js'
import { when } from '../models/words.js'
import type { Alarm, QuorumSet } from '../net/light-api.js'

const { network, trust } = app

const ALARM_TITLE: Record<Alarm['kind'], string> = {
  disagreement: 'Relays disagree',
  forged: 'A relay sent forged data',
  'no-quorum': 'Not enough trusted validators reachable',
  unreachable: 'No relay reachable',
  stale: 'The network has not moved for a while',
}

export function AlarmBanner() {
  const alarms = network.snapshot.value?.alarms ?? []
  if (alarms.length === 0) return null
  return (
    <div class="alarm" role="alert">
      {alarms.slice(0, 3).map((a) => (
        <p key={`${a.kind}-${a.at}`}>
          <strong>
            <span aria-hidden="true">⚠ </span>
            {ALARM_TITLE[a.kind]}:
          </strong>{' '}
          {a.message}
          {a.relays.length > 0 && (
            <span class="hint">
              {' '}
              ({a.relays.length} relay{a.relays.length === 1 ? '' : 's'})
            </span>
          )}
        </p>
      ))}
      <button type="button" class="secondary small" onClick={() => network.dismissAlarms()}>
        Dismiss
      </button>
    </div>
  )
}

function CloseTimes() {
  const pts = network.snapshot.value?.closeTimes ?? []
  const gaps: { seq: bigint; s: number }[] = []
  for (let i = 1; i < pts.length; i++)
    gaps.push({ seq: pts[i]!.seq, s: Number(pts[i]!.closeTime - pts[i - 1]!.closeTime) })
  const recent = gaps.slice(-30)
  if (recent.length === 0)
    return <p class="hint">Close times appear here once a few ledgers have been verified.</p>
  const max = Math.max(1, ...recent.map((g) => g.s))
  const sorted = recent.map((g) => g.s).sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  const W = 300
  const H = 80
  const bw = W / 30
  const summary = `Seconds between the last ${recent.length} ledgers: median ${median}, longest ${max}.`
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={summary}>
        <line x1="0" y1={H} x2={W} y2={H} class="axis" />
        {recent.map((g, i) => {
          const h = Math.max(1, (g.s / max) * (H - 4))
          // The newest ledger at the right edge.
          const x = W - (recent.length - i) * bw
          return (
            <rect key={g.seq.toString()} x={x + 1} y={H - h} width={bw - 2} height={h} class="bar">
              <title>
                Ledger {g.seq.toString()}: {g.s} s
              </title>
            </rect>
          )
        })}
        <text x={W - recent.length * bw} y={H + 12} class="label">
          ledger {recent[0]!.seq.toString()}
        </text>
        <text x={W} y={H + 12} text-anchor="end" class="label">
          {recent[recent.length - 1]!.seq.toString()}
        </text>
        <line x1="0" y1="4" x2={W} y2="4" class="grid" />
        <text x="0" y="12" class="label">
          {max} s
        </text>
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  )
}

function QuorumSetView({ q }: { q: QuorumSet }) {
  return (
    <div class="qset">
      <p>
        Any <strong>{q.threshold}</strong> of these {q.validators.length + q.innerSets.length}:
      </p>
      <ul>
        {q.validators.map((v) => (
          <li key={v}>
            <code>{v}</code>
          </li>
        ))}
        {q.innerSets.map((inner, i) => (
          <li key={i}>
            <QuorumSetView q={inner} />
          </li>
        ))}
      </ul>
    </div>
  )
}

function TrustEditor({ ranking }: { ranking: { id: string; score: number }[] }) {
  const picked = trust.picked.value
  return (
    <form
      class="trust-editor"
      onSubmit={(e) => {
        e.preventDefault()
        trust.apply()
      }}
    >
      <fieldset>
        <legend>Validators to trust</legend>
        {ranking.map((r) => (
          <label key={r.id} class="check">
            <input type="checkbox" checked={picked.has(r.id)} onChange={() => trust.toggle(r.id)} />{' '}
            <code>{r.id.slice(0, 10)}…</code> <span class="hint">rank score {r.score.toFixed(3)}</span>
          </label>
        ))}
      </fieldset>
      <label for="trust-threshold">How many of them must agree</label>
      <input
        id="trust-threshold"
        type="number"
        min={1}
        max={picked.size}
        value={trust.threshold.value}
        onInput={(e) => {
          trust.threshold.value = Number(e.currentTarget.value)
        }}
      />
      {trust.error.value && (
        <p class="error" role="alert">
          {trust.error.value}
        </p>
      )}
      <div class="actions inline">
        <button type="submit" disabled={!!trust.error.value}>
          Trust these
        </button>
        <button type="button" class="secondary" onClick={() => trust.cancel()}>
          Cancel
        </button>
      </div>
    </form>
  )
}

export function Network() {
  const s = network.snapshot.value
  const latest = s?.latest
  return (
    <>
      <h1 tabIndex={-1}>Network</h1>
      <AlarmBanner />
      <section class="card" aria-labelledby="latest-h">
        <h2 id="latest-h">Latest certified ledger</h2>
        {latest ? (
          <dl class="summary">
            <dt>Ledger</dt>
            <dd>{latest.seq.toString()}</dd>
            <dt>Closed</dt>
            <dd>{when(Number(latest.closeTime) * 1000)}</dd>
            <dt>Mining day</dt>
            <dd>{latest.day.toString()}</dd>
            <dt>Certified by</dt>
            <dd>
              {latest.signers.length} validator{latest.signers.length === 1 ? '' : 's'}
            </dd>
            <dt>Transactions</dt>
            <dd>
              {latest.header.txCount} ({latest.header.opCount} operations)
            </dd>
          </dl>
        ) : (
          <p class="status" role="status">
            {network.phase.value === 'failed' ? network.error.value : 'No certified ledger yet.'}
          </p>
        )}
        <CloseTimes />
      </section>
      <section class="card" aria-labelledby="relays-h">
        <h2 id="relays-h">Relays</h2>
        <p>
          {s
            ? `${s.relays.filter((r) => r.connected).length} of ${s.relays.length} connected`
            : 'Not started yet.'}
          {s && s.pending > 0
            ? ` · ${s.pending} transaction${s.pending === 1 ? '' : 's'} waiting to be sent`
            : ''}
        </p>
        <ul class="relays" aria-label="Relays">
          {(s?.relays ?? []).map((r) => (
            <li key={r.addr}>
              <span class={`dot ${r.connected ? 'on' : 'off'}`} aria-hidden="true" />
              <span>{r.connected ? 'Connected' : 'Not connected'}</span> <code class="wrap">{r.addr}</code>
              {r.latestSeq !== undefined && <span class="hint"> · at ledger {r.latestSeq.toString()}</span>}
              {r.lastError && !r.connected && <span class="hint"> · {r.lastError}</span>}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="trust-h">
        <h2 id="trust-h">Whom this app trusts</h2>
        {s ? (
          <>
            <p>
              {s.trusted.chosenBy === 'pagerank'
                ? 'Chosen automatically: the validators ranked highest by PageRank over the trust graph the validators publish (their quorum sets).'
                : 'Chosen by you.'}{' '}
              A ledger counts only when validators that satisfy this set have signed it.
            </p>
            {s.trusted.explanation && (
              <details>
                <summary>How it was chosen</summary>
                <p>{s.trusted.explanation.summary}</p>
                <ul class="ranking" aria-label="Validators ranked by trust">
                  {s.trusted.explanation.validators.map((v) => (
                    <li key={v.id}>
                      <code>{v.id.slice(0, 12)}…</code> score {v.score.toFixed(3)}
                      {v.chosen ? ' · trusted' : ''} · trusted by {v.trustedBy.length} validator
                      {v.trustedBy.length === 1 ? '' : 's'}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            <QuorumSetView q={s.trusted.quorumSet} />
            {trust.editing.value ? (
              <TrustEditor ranking={s.trusted.ranking} />
            ) : (
              <div class="actions inline">
                <button
                  type="button"
                  class="secondary"
                  onClick={() => trust.edit()}
                  disabled={s.trusted.ranking.length === 0}
                >
                  Change
                </button>
                {s.trusted.chosenBy === 'user' && (
                  <button type="button" class="secondary" onClick={() => trust.automatic()}>
                    Back to automatic
                  </button>
                )}
              </div>
            )}
          </>
        ) : (
          <p class="hint">Loading…</p>
        )}
      </section>
    </>
  )
}
