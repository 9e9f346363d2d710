/** QR codes as SVG markup, made by uqr (loaded on first use) and memoised per text. */
import { type Signal, signal } from '@preact/signals'

const made = new Map<string, Signal<string | undefined>>()

export function qrSvg(text: string): Signal<string | undefined> {
  let s = made.get(text)
  if (!s) {
    const out = signal<string | undefined>(undefined)
    s = out
    made.set(text, out)
    if (made.size > 32) made.delete(made.keys().next().value!)
    void import('uqr').then(({ renderSVG }) => {
      out.value = renderSVG(text, { ecc: 'M', border: 2, whiteColor: '#ffffff', blackColor: '#0b1d33' })
    })
  }
  return s
}
