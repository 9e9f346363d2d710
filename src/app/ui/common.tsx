/** Small shared pieces: amounts, verification labels, form fields, copy buttons, QR codes. */
import type { ComponentChildren } from 'preact'
import { formatWatt } from '../../core/ledger/amounts.js'
import { now } from '../models/clock.js'
import { qrSvg } from '../models/qr.js'
import { when } from '../models/words.js'

export function Watt({ units, sign = false }: { units: bigint; sign?: boolean }) {
  return (
    <span class="watt">
      {sign && units > 0n ? '+' : ''}
      {formatWatt(units)}&nbsp;<abbr title="WATT">WATT</abbr>
    </span>
  )
}

/**
 * How a figure was checked: "Verified at ledger N", or, when it comes from this device's store while
 * offline, "Offline — last verified at ledger N, <time>".
 */
export function VerifiedAt(props: {
  ledger: bigint
  signers: number
  fromCache: boolean
  checkedAt: number
  /** The light client is still loading: the figure is this device's copy, about to be checked again. */
  checking?: boolean
}) {
  void now.value
  if (props.fromCache && props.checking)
    return (
      <p class="verified stale">
        Last verified at ledger {props.ledger.toString()}, {when(props.checkedAt)} — checking with the
        network…
      </p>
    )
  if (props.fromCache)
    return (
      <p class="verified stale">
        <span aria-hidden="true">⏸</span> Offline — last verified at ledger {props.ledger.toString()},{' '}
        {when(props.checkedAt)}
      </p>
    )
  return (
    <p class="verified">
      <span aria-hidden="true">✓</span> Verified at ledger {props.ledger.toString()} ({props.signers}{' '}
      validator
      {props.signers === 1 ? '' : 's'} signed)
    </p>
  )
}

export function Field(props: {
  id: string
  label: string
  hint?: string
  error?: string | undefined
  children: (a11y: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ComponentChildren
}) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ')
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(props.error ? { 'aria-invalid': true } : {}),
      })}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  )
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  return (
    <button
      type="button"
      class="secondary"
      onClick={(e) => {
        const b = e.currentTarget
        void navigator.clipboard?.writeText(text).then(
          () => {
            b.dataset.done = 'Copied'
            setTimeout(() => delete b.dataset.done, 2000)
          },
          () => undefined,
        )
      }}
    >
      {label}
    </button>
  )
}

export function Qr({ text, label }: { text: string; label: string }) {
  const svg = qrSvg(text).value
  return (
    <div class="qr" role="img" aria-label={label}>
      {svg ? <div dangerouslySetInnerHTML={{ __html: svg }} /> : <p class="hint">Drawing the QR code…</p>}
    </div>
  )
}

export function Address({ value }: { value: string }) {
  return (
    <code class="address" translate={false}>
      {value}
    </code>
  )
}
