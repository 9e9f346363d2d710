/**
 * Injected, namespaced logging (CONVENTIONS habit 9): `logger.child('scp')` → `relay:scp`. Lines go to
 * a sink (stderr by default) as `time level namespace message key=value…`. Never log a secret: keys
 * are logged as their public ids only.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(name: string): Logger
}

function fmt(v: unknown): string {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Error) return JSON.stringify(v.message)
  if (typeof v === 'string') return /^[\w.:/@-]*$/.test(v) ? v : JSON.stringify(v)
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))
}

export function createLogger(
  namespace = 'relay',
  options: { level?: Level; sink?: (line: string) => void } = {},
): Logger {
  const env = (process.env.WATT_LOG ?? '').toLowerCase()
  const level: Level = options.level ?? (env in ORDER ? (env as Level) : 'info')
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`))
  const make = (ns: string): Logger => {
    const at =
      (l: Level) =>
      (msg: string, fields: Record<string, unknown> = {}) => {
        if (ORDER[l] < ORDER[level]) return
        const kv = Object.entries(fields)
          .map(([k, v]) => `${k}=${fmt(v)}`)
          .join(' ')
        sink(`${new Date().toISOString()} ${l.padEnd(5)} ${ns} ${msg}${kv ? ` ${kv}` : ''}`)
      }
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (n) => make(`${ns}:${n}`),
    }
  }
  return make(namespace)
}

/** A logger that drops everything (tests, simulator). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
}
