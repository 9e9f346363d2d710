/** The security circle (up to 5 trusted people) and invitations. */
import { app } from '../models/index.js'
import { MAX_CIRCLE } from '../models/limits.js'
import { Address, CopyButton, Field, Qr } from './common.js'

const { circle, wallet, checkIn, account } = app

function Members() {
  const list = circle.draft.value
  const today = checkIn.day.value?.day
  const status = circle.members.value
  if (list.length === 0) return <p class="hint">Nobody in your circle yet.</p>
  return (
    <ul class="members" aria-label="Security circle members">
      {list.map((a) => {
        const st = status.get(a)
        const inToday = st?.lastDay !== undefined && st.lastDay === today
        return (
          <li key={a}>
            <Address value={a} />
            <span class={`badge ${inToday ? 'ok' : ''}`}>
              {st === undefined ? '' : inToday ? 'Checked in today' : 'Not checked in today'}
            </span>
            <button
              type="button"
              class="secondary"
              aria-label={`Remove ${a}`}
              onClick={() => circle.remove(a)}
            >
              Remove
            </button>
          </li>
        )
      })}
    </ul>
  )
}

function Invite() {
  const address = wallet.address.value
  if (!address) return null
  const link = `${location.origin}/?ref=${address}`
  return (
    <section class="card" aria-labelledby="invite-h">
      <h2 id="invite-h">Invite people</h2>
      <p>
        Share this link. People who join with it have you as their referrer: each one who checks in on a day,
        once they have 7 check-ins, adds 0.25 to your weight that day (up to 1.0).
      </p>
      <p>
        <label for="invite-link">Your invitation link</label>
        <input id="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </p>
      <div class="actions inline">
        <CopyButton text={link} label="Copy link" />
        {typeof navigator.share === 'function' && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void navigator
                .share({ title: 'Join me on Watt', text: 'Check in daily and earn WATT with me.', url: link })
                .catch(() => undefined)
            }
          >
            Share
          </button>
        )}
      </div>
      <Qr text={link} label="QR code of your invitation link" />
    </section>
  )
}

export function Circle() {
  const dirty = circle.dirty.value
  const full = circle.draft.value.length >= MAX_CIRCLE
  return (
    <>
      <h1 tabIndex={-1}>Security circle</h1>
      <section class="card" aria-labelledby="circle-h">
        <h2 id="circle-h">People you trust</h2>
        <p>
          Add up to {MAX_CIRCLE} people you know. Each one who checks in on a day adds 0.2 to your weight that
          day. Your circles also help the network see who trusts whom.
        </p>
        <Members />
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void circle.add()
          }}
        >
          <Field id="circle-add" label="Address of someone you trust" error={circle.error.value}>
            {(a) => (
              <input
                {...a}
                value={circle.input.value}
                autoComplete="off"
                autoCapitalize="characters"
                spellcheck={false}
                disabled={full}
                onInput={(e) => {
                  circle.input.value = e.currentTarget.value
                }}
              />
            )}
          </Field>
          <div class="actions inline">
            <button type="submit" class="secondary" disabled={full}>
              Add to circle
            </button>
            {circle.canScanImages && !full && (
              <label class="button secondary">
                Scan their QR code
                <input
                  type="file"
                  accept="image/*"
                  capture="environment"
                  class="visually-hidden"
                  onChange={(e) => {
                    const f = e.currentTarget.files?.[0]
                    if (f) void circle.scanImage(f)
                  }}
                />
              </label>
            )}
          </div>
        </form>
        {dirty && (
          <div class="actions">
            <button
              type="button"
              onClick={() => void circle.save()}
              disabled={circle.saving.value || !account.view.value?.exists}
            >
              Save circle
            </button>
            <button type="button" class="secondary" onClick={() => circle.reset()}>
              Undo changes
            </button>
          </div>
        )}
        <p class="status" role="status" aria-live="polite">
          {circle.notice.value ?? ''}
        </p>
      </section>
      <Invite />
    </>
  )
}
