/**
 * A sample message that uses every schema combinator once. It is the codec's own test type; protocol
 * types (transactions, SCP envelopes, headers) have their own vector files.
 */
import {
  bool,
  bytes,
  enumeration,
  hash32,
  i64,
  list,
  messageType,
  optional,
  struct,
  text,
  u8,
  u32,
  u64,
  union,
  version,
} from '../../src/core/codec/index.js'

export const Sample = messageType(
  'Sample',
  struct('Sample', {
    v: version(1),
    small: u8,
    medium: u32,
    amount: u64,
    delta: i64,
    flag: bool,
    id: hash32,
    blob: bytes(0, 64),
    label: text(32),
    kind: enumeration('Kind', ['alpha', 'beta', 'gamma'] as const),
    note: optional(text(16)),
    items: list(u32, 8),
    action: union('Action', {
      pay: [1, struct('Pay', { to: hash32, amount: u64 })],
      memo: [2, struct('Memo', { text: text(16) })],
    }),
  }),
  1024,
)
