/**
 * Prometheus metrics without a dependency: counters, gauges and summaries (sum/count) with labels,
 * rendered in the text exposition format (version 0.0.4).
 */
type Labels = Record<string, string>

const key = (name: string, labels: Labels = {}) => {
  const l = Object.entries(labels)
    .sort()
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',')
  return l ? `${name}{${l}}` : name
}

export class Metrics {
  private readonly counters = new Map<string, number>()
  private readonly gauges = new Map<string, () => number>()
  private readonly sums = new Map<string, { sum: number; count: number }>()
  private readonly help = new Map<string, [string, string]>()

  describe(name: string, type: 'counter' | 'gauge' | 'summary', help: string): void {
    this.help.set(name, [type, help])
  }
  count(name: string, labels?: Labels, by = 1): void {
    const k = key(name, labels)
    this.counters.set(k, (this.counters.get(k) ?? 0) + by)
  }
  gauge(name: string, read: () => number, labels?: Labels): void {
    this.gauges.set(key(name, labels), read)
  }
  observe(name: string, value: number, labels?: Labels): void {
    const k = key(name, labels)
    const s = this.sums.get(k) ?? { sum: 0, count: 0 }
    s.sum += value
    s.count++
    this.sums.set(k, s)
  }
  render(): string {
    const lines: string[] = []
    const seen = new Set<string>()
    const header = (full: string) => {
      const name = full.split('{')[0]!
      if (seen.has(name)) return
      seen.add(name)
      const h = this.help.get(name)
      if (h) lines.push(`# HELP ${name} ${h[1]}`, `# TYPE ${name} ${h[0]}`)
    }
    for (const [k, v] of this.counters) {
      header(k)
      lines.push(`${k} ${v}`)
    }
    for (const [k, read] of this.gauges) {
      header(k)
      lines.push(`${k} ${read()}`)
    }
    for (const [k, s] of this.sums) {
      const [name, rest] = k.includes('{') ? [k.slice(0, k.indexOf('{')), k.slice(k.indexOf('{'))] : [k, '']
      header(name)
      lines.push(`${name}_sum${rest} ${s.sum}`, `${name}_count${rest} ${s.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}
