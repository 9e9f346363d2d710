/** Home: verified balance, joining the network, the daily check-in, the latest payslip, recent activity. */
import { app } from '../models/index.js'
import { puzzleFraction } from '../models/puzzle.js'
import type { PayslipView } from '../models/rewards.js'
import { go, paySection } from '../models/route.js'
import { CheckInCard } from './CheckIn.js'
import { VerifiedAt, Watt } from './common.js'
import { HistoryList } from './History.js'

const { account, join, rewards, network } = app

function Balance() {
  const v = account.view.value
  return (
    <section class="card balance" aria-labelledby="balance-h">
      <h2 id="balance-h">Balance</h2>
      {v ? (
        <>
          <p class="big" data-testid="balance">
            <Watt units={v.exists ? v.balance : 0n} />
          </p>
          {v.exists && v.locked > 0n && (
            <p class="hint">
              <Watt units={v.locked} /> locked in pledges
            </p>
          )}
          <VerifiedAt
            ledger={v.ledger}
            signers={v.signers}
            fromCache={v.fromCache}
            checkedAt={v.checkedAt}
            checking={network.phase.value === 'idle' || network.phase.value === 'loading'}
          />
        </>
      ) : (
        <p class="status" role="status">
          {network.phase.value === 'failed'
            ? `Cannot reach the network: ${network.error.value}`
            : 'Checking your balance with the network…'}
        </p>
      )}
    </section>
  )
}

function Join() {
  const v = account.view.value
  const phase = join.phase.value
  if (!v || v.exists) return null
  const p = join.progress.value
  return (
    <section class="card join" aria-labelledby="join-h">
      <h2 id="join-h">Joining the network</h2>
      <p>
        Your wallet is ready. Its account is being created on the network: no money needed, just a small
        puzzle.
      </p>
      {phase === 'solving' && p && (
        <>
          <label for="join-progress">Sign-up puzzle</label>
          <progress id="join-progress" max={1} value={puzzleFraction(p)} />
          <p class="hint">
            Attempt {p.attempts} — about {p.expected} expected
          </p>
        </>
      )}
      <p class={`status ${phase === 'failed' ? 'error' : ''}`} role="status" aria-live="polite">
        {join.message.value ??
          (v.fromCache ? 'Offline: your account will be created when you are back online.' : '')}
      </p>
      {phase === 'failed' && (
        <button type="button" onClick={() => void join.start()}>
          Try again
        </button>
      )}
    </section>
  )
}

export function Payslip({ slip }: { slip: PayslipView }) {
  const rows: [string, bigint, string][] = [
    ['Base (pioneer)', slip.base, 'weight 1.0'],
    ['Security circle', slip.circlePart, `${slip.circle} member${slip.circle === 1 ? '' : 's'} checked in`],
    ['Referrals', slip.referralPart, `${slip.referrals} active invitee${slip.referrals === 1 ? '' : 's'}`],
    [
      'Node bonus',
      slip.nodePart,
      slip.node ? 'your validator signed ≥ 80% of the day' : 'no linked validator',
    ],
    ['Fee share', slip.feeShare, 'your share of the day’s fees'],
  ]
  return (
    <table class="payslip">
      <caption>Payslip for day {slip.day.toString()}</caption>
      <tbody>
        {rows.map(([name, amount, why]) => (
          <tr key={name}>
            <th scope="row">
              {name}
              <span class="hint"> · {why}</span>
            </th>
            <td>
              <Watt units={amount} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td>
            <Watt units={slip.total} />
          </td>
        </tr>
      </tfoot>
    </table>
  )
}

function LatestPayslip() {
  const slip = rewards.payslips.value[0]
  if (!slip) return null
  return (
    <section class="card" aria-labelledby="payslip-h">
      <h2 id="payslip-h">Your latest payslip</h2>
      <Payslip slip={slip} />
      <p class="verified">
        <span aria-hidden="true">✓</span> Payslip verified against the payout root in ledger{' '}
        {slip.ledger.toString()} ({slip.signers} validators signed)
      </p>
    </section>
  )
}

export function Home() {
  return (
    <>
      <h1 class="visually-hidden" tabIndex={-1}>
        Home
      </h1>
      <Balance />
      <Join />
      {account.view.value?.exists && <CheckInCard />}
      <LatestPayslip />
      <section class="card" aria-labelledby="recent-h">
        <h2 id="recent-h">Recent activity</h2>
        <HistoryList limit={3} />
        <button
          type="button"
          class="link"
          onClick={() => {
            paySection.value = 'history'
            go('pay')
          }}
        >
          All activity
        </button>
      </section>
    </>
  )
}
