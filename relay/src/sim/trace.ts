/**
 * The trace hash of a run: a 64-bit FNV-1a hash (as two 32-bit lanes) over every traced event, so
 * "same seed ⇒ same run" is one comparison. Optionally keeps the event lines for debugging.
 */
export class Trace {
  private h1 = 0x811c9dc5
  private h2 = 0x01000193
  events = 0
  readonly lines: string[] | undefined

  constructor(keepLines = false) {
    this.lines = keepLines ? [] : undefined
  }

  add(line: string): void {
    this.events++
    this.lines?.push(line)
    let a = this.h1
    let b = this.h2
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c ^ (a >>> 15), 0x5bd1e995)
    }
    // separator, so "ab"+"c" ≠ "a"+"bc"
    this.h1 = Math.imul(a ^ 0xff, 0x01000193) >>> 0
    this.h2 = Math.imul(b ^ 0xff, 0x5bd1e995) >>> 0
  }

  hex(): string {
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0')
  }
}
