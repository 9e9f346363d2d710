/** The values the committed codec vectors are made of (see test/misc/gen-ledger-vectors.ts). */
import type { MessageType } from '../../src/core/codec/index.js'
import {
  EntryType,
  LedgerHeaderType,
  LedgerValueType,
  PayslipType,
  TransactionEnvelopeType,
  TransactionResultType,
  TransactionSetType,
  TransactionType,
} from '../../src/core/ledger/index.js'
import { LightRequestType, LightResponseType } from '../../src/core/light/messages.js'
import { Sample } from './codec-sample.js'

const k = (n: number) => new Uint8Array(32).fill(n)
const sig = (n: number) => new Uint8Array(64).fill(n)

const payment = { type: 'payment' as const, destination: k(2), amount: 12_500_000n }
const tx = { v: 1 as const, source: k(1), seq: 7n, fee: 100n, memo: 'rent', operations: [payment] }
const value = {
  v: 1 as const,
  txSetHash: k(5),
  closeTime: 1_767_225_605n,
  previousLedgerHash: k(4),
  upgrades: [{ param: 'maxOpsPerLedger' as const, value: 2000n }],
}

export interface VectorFile {
  type: MessageType<unknown>
  cases: { name: string; value: unknown }[]
  /** Invalid encodings, made from the first case's hex. */
  invalid: { name: string; mutate: (validHex: string) => string; error: string }[]
}

/** Mutations every type's vectors include. */
const COMMON_INVALID: VectorFile['invalid'] = [
  { name: 'truncated by one byte', mutate: (h) => h.slice(0, -2), error: 'MalformedEncodingError' },
  { name: 'a trailing byte', mutate: (h) => `${h}00`, error: 'MalformedEncodingError' },
  { name: 'a CBOR map instead of the tuple', mutate: () => 'a0', error: 'SchemaMismatchError' },
]

export function vectorCases(): Record<string, VectorFile> {
  const t = <T>(
    type: MessageType<T>,
    cases: { name: string; value: T }[],
    invalid: VectorFile['invalid'] = [],
  ): VectorFile => ({
    type: type as MessageType<unknown>,
    cases,
    invalid: [...COMMON_INVALID, ...invalid],
  })
  // Versioned tuples start with array(n), then the version 1: replace it by 2.
  const version2 = {
    name: 'unsupported version 2',
    mutate: (h: string) => `${h.slice(0, 2)}02${h.slice(4)}`,
    error: 'UnsupportedVersionError',
  }
  return {
    'codec/sample': t(
      Sample,
      [
        {
          name: 'every combinator',
          value: {
            v: 1,
            small: 255,
            medium: 4_294_967_295,
            amount: 18_446_744_073_709_551_615n,
            delta: -9_223_372_036_854_775_808n,
            flag: false,
            id: k(0xab),
            blob: Uint8Array.of(1, 2, 3),
            label: 'wätt',
            kind: 'gamma',
            note: 'n',
            items: [0, 1, 4_294_967_295],
            action: { type: 'memo', text: 'hi' },
          },
        },
      ],
      [version2],
    ),
    'ledger/transaction': t(TransactionType, [
      { name: 'payment with memo', value: tx },
      {
        name: 'check-in',
        value: {
          v: 1,
          source: k(1),
          seq: 8n,
          fee: 0n,
          operations: [{ type: 'checkIn', day: 3n, nonce: 99n }],
        },
      },
      {
        name: 'create account with referrer',
        value: {
          v: 1,
          source: k(9),
          seq: 1n,
          fee: 0n,
          operations: [{ type: 'createAccount', referrer: k(1), day: 3n, nonce: 7n }],
        },
      },
      {
        name: 'circle, validator link, signer rotation, time bounds',
        value: {
          v: 1,
          source: k(1),
          seq: 9n,
          fee: 5n,
          timeBounds: { minTime: 1n, maxTime: 2_000_000_000n },
          operations: [
            { type: 'setSecurityCircle', members: [k(2), k(3)] },
            { type: 'linkValidator', validator: k(7), validatorSignature: sig(7) },
            { type: 'setSigner', signer: k(8) },
          ],
        },
      },
    ]),
    'ledger/transaction-envelope': t(
      TransactionEnvelopeType,
      [{ name: 'signed payment', value: { tx, signatures: [{ publicKey: k(1), signature: sig(1) }] } }],
      [
        {
          name: 'no signature',
          mutate: (h) => h.replace(/81825820(01){32}5840(01){64}$/, '80'),
          error: 'ValueOutOfRangeError',
        },
      ],
    ),
    'ledger/value': t(LedgerValueType, [{ name: 'value with an upgrade', value }], [version2]),
    'ledger/transaction-set': t(TransactionSetType, [
      {
        name: 'one transaction and one attestation',
        value: {
          v: 1,
          previousLedgerHash: k(4),
          txs: [{ tx, signatures: [{ publicKey: k(1), signature: sig(1) }] }],
          attestations: [
            { validator: k(6), commitCounter: 1, nH: 1, quorumSetHash: k(3), signature: sig(6) },
          ],
        },
      },
    ]),
    'ledger/result': t(TransactionResultType, [
      {
        name: 'success',
        value: { txHash: k(1), code: 'tx_success', feeCharged: 100n, opResults: ['op_success'] },
      },
      {
        name: 'failed',
        value: {
          txHash: k(2),
          code: 'tx_failed',
          feeCharged: 0n,
          opResults: ['op_underfunded', 'op_not_applied'],
        },
      },
    ]),
    'ledger/header': t(LedgerHeaderType, [
      {
        name: 'header closing a day',
        value: {
          v: 1,
          protocolVersion: 1,
          seq: 42n,
          previousHash: k(4),
          value,
          txSetHash: k(5),
          resultsRoot: k(6),
          stateRoot: k(7),
          totalCoins: 10_000_000_000n,
          feePool: 64n,
          day: 3n,
          payoutRoot: k(8),
          txCount: 1,
          opCount: 1,
        },
      },
    ]),
    'ledger/entry': t(EntryType, [
      {
        name: 'account',
        value: {
          type: 'account',
          v: 1,
          index: 3,
          balance: 5n,
          seq: 2n,
          signer: k(1),
          createdLedger: 2n,
          referrer: k(2),
          circle: [k(3)],
          linkedValidator: k(7),
          checkIns: { total: 3, lastDay: 2n, streak: 2 },
          unsettledDay: 2n,
          locked: 0n,
        },
      },
      { name: 'validator link', value: { type: 'validator', v: 1, account: k(1) } },
    ]),
    'ledger/payslip': t(PayslipType, [
      {
        name: 'one-record chunk',
        value: {
          v: 1,
          day: 3n,
          count: 1,
          chunkIndex: 0,
          chunk: new Uint8Array(56).fill(1),
          proof: { v: 1, siblings: [] },
        },
      },
    ]),
    'light/request': t(LightRequestType, [
      { name: 'account', value: { v: 1, request: { type: 'account', id: k(1) } } },
      { name: 'submit', value: { v: 1, request: { type: 'submit', tx: Uint8Array.of(1, 2, 3) } } },
    ]),
    'light/response': t(LightResponseType, [
      {
        name: 'error',
        value: { v: 1, response: { type: 'error', code: 'not_found', message: 'no ledger 9' } },
      },
      {
        name: 'submit accepted',
        value: {
          v: 1,
          response: { type: 'submit', status: 'pending', code: 'tx_pending', reason: '', hash: k(9) },
        },
      },
    ]),
  }
}
