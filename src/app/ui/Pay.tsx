/** Payments: send (with review), receive (address + QR), and the history. */
import { formatWatt, parseWatt } from '../../core/ledger/amounts.js'
import { app } from '../models/index.js'
import { type PaySection, paySection } from '../models/route.js'
import { Address, CopyButton, Field, Qr } from './common.js'
import { HistoryList, StatusLine } from './History.js'

const { payments: pay, wallet } = app

const SECTIONS: [PaySection, string][] = [
  ['send', 'Send'],
  ['receive', 'Receive'],
  ['history', 'History'],
]

function Send() {
  const step = pay.step.value
  const errors = pay.showErrors.value ? pay.errors.value : {}
  if (step === 'sent') return <Sent />
  if (step === 'review') return <Review />
  const fee = pay.feeSuggestion.value
  return (
    <form
      class="card"
      aria-labelledby="send-h"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void pay.review()
      }}
    >
      <h2 id="send-h">Send WATT</h2>
      <Field
        id="send-to"
        label="Recipient address"
        hint="Starts with W. You can also paste a watt: payment request."
        error={errors.to}
      >
        {(a) => (
          <input
            {...a}
            value={pay.to.value}
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            onInput={(e) => {
              const t = e.currentTarget.value
              if (/^watt:/i.test(t.trim()) || /^https?:\/\//i.test(t.trim())) pay.applyText(t)
              else pay.to.value = t
            }}
          />
        )}
      </Field>
      <div class="actions inline">
        {navigator.clipboard?.readText && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void navigator.clipboard.readText().then(
                (t) => pay.applyText(t),
                () => {
                  pay.scanMessage.value =
                    'The browser did not allow reading the clipboard. Long-press the field and paste.'
                },
              )
            }
          >
            Paste
          </button>
        )}
        {pay.canScanImages && (
          <label class="button secondary">
            Scan a QR code
            <input
              type="file"
              accept="image/*"
              capture="environment"
              class="visually-hidden"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0]
                if (f) void pay.scanImage(f)
              }}
            />
          </label>
        )}
      </div>
      {pay.scanMessage.value && (
        <p class="hint" role="status">
          {pay.scanMessage.value}
        </p>
      )}
      <Field id="send-amount" label="Amount (WATT)" error={errors.amount}>
        {(a) => (
          <input
            {...a}
            value={pay.amount.value}
            inputMode="decimal"
            autoComplete="off"
            onInput={(e) => {
              pay.amount.value = e.currentTarget.value
            }}
          />
        )}
      </Field>
      <Field id="send-fee" label="Fee (optional, WATT)" hint={fee.text} error={errors.fee}>
        {(a) => (
          <input
            {...a}
            value={pay.fee.value}
            inputMode="decimal"
            placeholder="0"
            autoComplete="off"
            onInput={(e) => {
              pay.fee.value = e.currentTarget.value
            }}
          />
        )}
      </Field>
      {fee.busy && pay.fee.value !== fee.fee && (
        <button type="button" class="secondary" onClick={() => pay.useSuggestedFee()}>
          Use the suggested fee ({fee.fee} WATT)
        </button>
      )}
      <Field
        id="send-memo"
        label="Note (optional)"
        hint="Visible to anyone on the ledger."
        error={errors.memo}
      >
        {(a) => (
          <input
            {...a}
            value={pay.memo.value}
            maxLength={64}
            onInput={(e) => {
              pay.memo.value = e.currentTarget.value
            }}
          />
        )}
      </Field>
      <div class="actions">
        <button type="submit">Review payment</button>
      </div>
    </form>
  )
}

function Review() {
  const amount = parseWatt(pay.amount.value.trim())
  const fee = pay.fee.value.trim() ? parseWatt(pay.fee.value.trim()) : 0n
  return (
    <section class="card" aria-labelledby="review-h">
      <h2 id="review-h">Check the payment</h2>
      <dl class="summary">
        <dt>To</dt>
        <dd>
          <Address value={pay.to.value.trim()} />
        </dd>
        <dt>Amount</dt>
        <dd>{formatWatt(amount)} WATT</dd>
        <dt>Fee</dt>
        <dd>{formatWatt(fee)} WATT</dd>
        {pay.memo.value.trim() && (
          <>
            <dt>Note</dt>
            <dd>{pay.memo.value.trim()}</dd>
          </>
        )}
        <dt>Total</dt>
        <dd>
          <strong>{formatWatt(amount + fee)} WATT</strong>
        </dd>
      </dl>
      {pay.warning.value && (
        <p class="warning" role="alert">
          {pay.warning.value}
        </p>
      )}
      {pay.sendError.value && (
        <p class="error" role="alert">
          {pay.sendError.value}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={() => void pay.confirm()} disabled={pay.sending.value}>
          Confirm and send
        </button>
        <button type="button" class="secondary" onClick={() => pay.edit()}>
          Change
        </button>
      </div>
    </section>
  )
}

function Sent() {
  const item = pay.lastSent.value
  return (
    <section class="card" aria-labelledby="sent-h">
      <h2 id="sent-h">Payment sent</h2>
      {item && (
        <p role="status" aria-live="polite">
          {item.amount} WATT to <Address value={item.to ?? ''} />: <StatusLine item={item} />
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={() => pay.reset()}>
          New payment
        </button>
      </div>
    </section>
  )
}

function Receive() {
  const address = wallet.address.value
  const uri = pay.receiveUri.value
  if (!address || !uri) return null
  return (
    <section class="card" aria-labelledby="receive-h">
      <h2 id="receive-h">Receive WATT</h2>
      <p>Show this code, or share your address. Anyone can pay you with it; it reveals nothing secret.</p>
      <Qr text={uri} label={`QR code of your payment request: ${uri}`} />
      <p>
        Your address: <Address value={address} />
      </p>
      <div class="actions inline">
        <CopyButton text={address} label="Copy address" />
        {typeof navigator.share === 'function' && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void navigator.share({ title: 'My Watt address', text: uri }).catch(() => undefined)
            }
          >
            Share
          </button>
        )}
      </div>
      <Field
        id="receive-amount"
        label="Ask for an amount (optional, WATT)"
        hint="Puts the amount in the QR code."
        error={pay.receiveError.value}
      >
        {(a) => (
          <input
            {...a}
            value={pay.requestAmount.value}
            inputMode="decimal"
            onInput={(e) => {
              pay.requestAmount.value = e.currentTarget.value
            }}
          />
        )}
      </Field>
      <p class="hint">
        Payment request: <code>{uri}</code>
      </p>
    </section>
  )
}

export function Pay() {
  const section = paySection.value
  return (
    <>
      <h1 tabIndex={-1}>Pay</h1>
      <fieldset class="segmented">
        <legend class="visually-hidden">Payments</legend>
        {SECTIONS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            aria-pressed={section === id}
            onClick={() => {
              paySection.value = id
            }}
          >
            {label}
          </button>
        ))}
      </fieldset>
      {section === 'send' && <Send />}
      {section === 'receive' && <Receive />}
      {section === 'history' && (
        <section class="card" aria-labelledby="history-h">
          <h2 id="history-h">History</h2>
          <p class="hint">
            Payments and check-ins sent from this device. Money you receive shows in your verified balance.
          </p>
          <HistoryList />
        </section>
      )}
    </>
  )
}
