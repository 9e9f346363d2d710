/**
 * The PWA's light client: verified answers from relays (docs/light-client.md).
 *
 * @example
 * const client = new LightClient({ networkId, networkPassphrase, relays, storage: await idbStore() })
 * await client.start()
 * client.subscribe((s) => render(s))
 * const { account, header, fromCache } = await client.account('W…')
 */
export {
  type Alarm,
  type AlarmKind,
  type DayInfo,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STALE_AFTER_MS,
  LightClient,
  type LightClientInit,
  type LightSnapshot,
  MAX_RELAYS,
  NO_QUORUM_ROUNDS,
  type PayslipResult,
  type RelayStatus,
  type SubmitResult,
  type TxStatus,
  type VerifiedHeader,
} from './client.js'
export * from './errors.js'
export { idbAvailable, idbStore, LIGHT_DB_NAME } from './idb-store.js'
export { memoryStore, STORE_TABLES, type StoreTable, type VerifiedStore } from './store.js'
export type { LightTransport, TransportFactory, TransportInit } from './transport.js'
