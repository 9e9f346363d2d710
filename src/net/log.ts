/**
 * Injected, namespaced logging for the network layer (CONVENTIONS §9). Library code never calls
 * `console`; the relay passes its logger, the PWA its own, tests nothing (silent) or a collector.
 * Fields are plain data (peer ids as strings, sizes, codes), never keys or payloads.
 */

export type LogFields = Record<string, string | number | boolean | undefined>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/** Makes the logger of one namespace, e.g. `net:reqresp`. */
export type LoggerFactory = (namespace: string) => Logger

const noop = (): void => {}
const SILENT: Logger = { debug: noop, info: noop, warn: noop, error: noop }

/** The default: drop everything. */
export const silentLogger: LoggerFactory = () => SILENT

/** `err.name: err.message` for a log field, without a stack. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}
