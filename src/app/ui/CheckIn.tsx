/** The daily check-in card: countdown, streak, the press-and-hold button, puzzle progress, the estimate. */
import { formatWatt } from '../../core/ledger/amounts.js'
import { HOLD_MS } from '../models/checkin.js'
import { app } from '../models/index.js'
import { puzzleFraction } from '../models/puzzle.js'
import { duration } from '../models/words.js'
import { Watt } from './common.js'

const { checkIn, rewards, account } = app
const HOLD_KEYS = new Set([' ', 'Enter'])

function HoldButton() {
  const hold = checkIn.hold.value
  const busy = checkIn.busy.value
  const c = 2 * Math.PI * 44
  return (
    <button
      type="button"
      class="hold"
      aria-describedby="hold-help"
      aria-disabled={busy}
      onPointerDown={(e) => {
        if (e.button !== 0) return
        e.currentTarget.setPointerCapture(e.pointerId)
        checkIn.beginHold()
      }}
      onPointerUp={() => checkIn.endHold()}
      onPointerCancel={() => checkIn.endHold()}
      onKeyDown={(e) => {
        if (!HOLD_KEYS.has(e.key)) return
        e.preventDefault()
        if (!e.repeat) checkIn.beginHold()
      }}
      onKeyUp={(e) => {
        if (!HOLD_KEYS.has(e.key)) return
        e.preventDefault()
        checkIn.endHold()
      }}
      onBlur={() => checkIn.endHold()}
      onContextMenu={(e) => e.preventDefault()}
    >
      <svg viewBox="0 0 100 100" aria-hidden="true" class="ring">
        <circle cx="50" cy="50" r="44" class="track" />
        <circle
          cx="50"
          cy="50"
          r="44"
          class="fill"
          stroke-dasharray={c}
          stroke-dashoffset={c * (1 - hold)}
          transform="rotate(-90 50 50)"
        />
        <path d="M57 14 31 54h17l-4 32 27-42H54z" class="bolt" />
      </svg>
      <span>Hold to check in</span>
    </button>
  )
}

function Puzzle() {
  const p = checkIn.progress.value
  const phase = checkIn.phase.value
  if (phase !== 'solving' || !p) return null
  const f = puzzleFraction(p)
  return (
    <div class="puzzle">
      <label for="puzzle-progress">Solving the puzzle</label>
      <progress
        id="puzzle-progress"
        max={1}
        value={f}
        aria-valuetext={`${p.attempts} attempts of about ${p.expected}`}
      />
      <p class="hint">
        Attempt {p.attempts} — about {p.expected} expected ({(p.elapsedMs / 1000).toFixed(1)} s)
      </p>
    </div>
  )
}

function EstimateBox() {
  const est = rewards.estimate.value
  if (!est) return null
  return (
    <section class="estimate" aria-labelledby="estimate-h">
      <h3 id="estimate-h">Today's estimated reward</h3>
      <p class="big">
        ≈ <Watt units={est.total} />
        {!est.checkedIn && <span class="hint"> if you check in</span>}
      </p>
      <p class="hint">
        Weight {est.weight} (pioneer 1.0
        {est.circleSize > 0
          ? ` + 0.2 × ${est.circleIn} of ${est.circleSize} circle members checked in so far`
          : ''}
        ) × {formatWatt(est.rate)} WATT per unit of weight
        {est.rateFrom === 'network' && est.miners !== undefined
          ? ` (r(N) with N = ${est.miners} ${est.miners === 1n ? 'person' : 'people'} who ever checked in, verified)`
          : est.rateFrom === 'payslip'
            ? ' (the rate of your last verified payslip)'
            : ' (the rate while the network has under 10,000 miners)'}
        .
      </p>
      <p class="hint">
        This is an estimate. Referral and node bonuses and your share of fees are added when the day closes:
        your payslip then shows the exact figures, verified.
      </p>
    </section>
  )
}

export function CheckInCard() {
  const v = account.view.value
  const left = checkIn.secondsLeft.value
  const d = checkIn.day.value
  const phase = checkIn.phase.value
  const done = checkIn.checkedInToday.value
  return (
    <section class="card checkin" aria-labelledby="checkin-h">
      <h2 id="checkin-h">Daily check-in</h2>
      <div class="row">
        <p>
          {d && left !== undefined ? (
            <span role="timer" aria-live="off">
              {left > 0 ? `Day ${d.day} ends in ${duration(left)}` : 'A new day is starting…'}
            </span>
          ) : (
            'Waiting for the network to say which day it is…'
          )}
        </p>
        <p>
          Streak: <strong>{checkIn.streak.value}</strong> day{checkIn.streak.value === 1 ? '' : 's'}
          {v?.exists ? ` · ${v.checkIns.total} in all` : ''}
        </p>
      </div>
      {done && phase !== 'pending' && (
        <p class="ok">
          <span aria-hidden="true">✓</span> You have checked in today.
        </p>
      )}
      <HoldButton />
      <p id="hold-help" class="hint">
        Press and hold the button for {HOLD_MS / 1000} seconds (or hold Space or Enter): a deliberate gesture
        that says a person is here. Your phone then solves a small puzzle. With a screen reader, double-tap
        and hold.
      </p>
      <Puzzle />
      {(phase === 'solving' || phase === 'waiting-day') && (
        <button type="button" class="secondary" onClick={() => checkIn.cancel()}>
          Cancel check-in
        </button>
      )}
      <p
        class={`status ${phase === 'refused' || phase === 'failed' ? 'error' : ''}`}
        role="status"
        aria-live="polite"
      >
        {checkIn.message.value ?? ''}
      </p>
      <EstimateBox />
    </section>
  )
}
