/**
 * Open a validator's ledger state from its store: the last committed ledger (restored and checked
 * against its header's state root), or, for an empty store, genesis, which is committed as ledger 1.
 * Shared by the relay (SQLite) and the simulator (memory store).
 */
import { toHex } from '../../../src/core/codec/bytes.js'
import {
  createGenesisState,
  type GenesisConfig,
  LedgerHeaderType,
  type LedgerState,
  restoreState,
  TransactionSetType,
} from '../../../src/core/ledger/index.js'
import type { NodeStore } from '../store/interface.js'
import type { Logger } from '../util/log.js'

/** The store was created for another network. */
export class GenesisMismatchError extends Error {
  override readonly name = 'GenesisMismatchError'
}

/** The state to start from: the store's last ledger, or genesis (written to the store). */
export function openState(
  store: NodeStore,
  genesis: GenesisConfig,
  hasher: (b: Uint8Array) => Uint8Array,
  log: Logger,
): LedgerState {
  const genesisState = () => createGenesisState(genesis, { hasher })
  const expectedGenesis = store.getMeta('genesisHash')
  const last = store.lastLedger()
  if (!last) {
    const state = genesisState()
    const emptySet = TransactionSetType.encode({
      v: 1,
      previousLedgerHash: new Uint8Array(32),
      txs: [],
      attestations: [],
    })
    store.commitLedger(
      {
        seq: 1n,
        hash: state.headerHash,
        txSetHash: state.header.txSetHash,
        header: LedgerHeaderType.encode(state.header),
        txSet: emptySet,
        results: [],
        txHashes: [],
        closeTime: state.header.value.closeTime,
      },
      {
        seq: 1n,
        entries: [...state.entries].map(([key, entry]) => ({ key, entry, before: undefined })),
        payoutTablesAdded: [],
        payoutTablesRemoved: [],
      },
    )
    store.setMeta('genesisHash', toHex(state.headerHash))
    store.setMeta('network', genesis.networkPassphrase)
    log.info('started a new ledger from genesis', { genesis: toHex(state.headerHash) })
    return state
  }
  const genesisHash = toHex(genesisState().headerHash)
  if (expectedGenesis !== genesisHash) {
    throw new GenesisMismatchError(
      `dataDir: the database was created for another genesis (${expectedGenesis?.slice(0, 16)}…, this config has ${genesisHash.slice(0, 16)}…); use another dataDir, or delete it to start over (a devnet: --fresh)`,
    )
  }
  const header = LedgerHeaderType.decode(last.header)
  const tables = store.payoutTables()
  const state = restoreState(store.entries(), header, tables, { hasher })
  log.info('restored the ledger', { seq: header.seq, hash: toHex(last.hash).slice(0, 16) })
  return state
}
