import { describe, expect, it } from 'vitest'
import { accountAddress, validatorId } from '../../../src/core/crypto/strkey.js'
import { createGenesisState, parseGenesis, SUPPLY_CAP } from '../../../src/core/ledger/index.js'
import { genesisConfig, key } from '../../helpers/ledger.js'

const base = () => ({
  networkPassphrase: 'Watt genesis test',
  genesisTime: 1_767_225_600,
  validators: [{ id: validatorId(key(900).publicKey), name: 'v1' }],
  teamAccount: accountAddress(key(0).publicKey),
  allocations: [{ account: accountAddress(key(1).publicKey), amount: '12.5' }],
})

function fieldOf(doc: unknown): string {
  try {
    parseGenesis(doc)
  } catch (err) {
    expect((err as Error).name).toBe('GenesisError')
    return (err as { field: string }).field
  }
  return 'accepted'
}

describe('genesis', () => {
  it('allocates the whole 20 billion WATT: team 5%, phase-1 30% minus allocations, mining 65%', () => {
    const s = createGenesisState(parseGenesis(base()))
    const p = s.pools()
    expect(p.teamLocked + p.phase1 + p.mining + p.genesisCirculating).toBe(SUPPLY_CAP)
    expect(p.genesisCirculating).toBe(125_000_000n)
    expect(s.account(key(1).publicKey)!.balance).toBe(125_000_000n)
    expect(s.header.seq).toBe(1n)
    expect(s.header.totalCoins).toBe(125_000_000n)
  })

  it('is deterministic: the same file gives the same genesis hash', () => {
    expect(createGenesisState(genesisConfig()).headerHash).toEqual(
      createGenesisState(genesisConfig()).headerHash,
    )
  })

  it('names the field that is wrong', () => {
    expect(fieldOf([])).toBe('(root)')
    expect(fieldOf({ ...base(), networkPassphrase: '' })).toBe('networkPassphrase')
    expect(fieldOf({ ...base(), genesisTime: 1.5 })).toBe('genesisTime')
    expect(fieldOf({ ...base(), extra: 1 })).toBe('extra')
    expect(fieldOf({ ...base(), params: { dayLength: 1 } })).toBe('params.dayLength')
    expect(fieldOf({ ...base(), params: { nope: 1 } })).toBe('params.nope')
    expect(fieldOf({ ...base(), validators: [] })).toBe('validators')
    expect(fieldOf({ ...base(), validators: [{ id: accountAddress(key(9).publicKey) }] })).toBe(
      'validators[0].id',
    )
    expect(fieldOf({ ...base(), teamAccount: validatorId(key(0).publicKey) })).toBe('teamAccount')
    expect(
      fieldOf({ ...base(), allocations: [{ account: accountAddress(key(1).publicKey), amount: '-5' }] }),
    ).toBe('allocations[0].amount')
    expect(
      fieldOf({ ...base(), allocations: [{ account: accountAddress(key(1).publicKey), amount: 5 }] }),
    ).toBe('accepted')
    expect(
      fieldOf({ ...base(), allocations: [{ account: accountAddress(key(0).publicKey), amount: '1' }] }),
    ).toBe('allocations[0].account')
    expect(
      fieldOf({
        ...base(),
        allocations: [{ account: accountAddress(key(1).publicKey), amount: '6000000001' }],
      }),
    ).toBe('allocations[0].amount')
  })

  it('explains a typo in an address', () => {
    const doc = base()
    doc.teamAccount = `${doc.teamAccount.slice(0, 10)}${doc.teamAccount[10] === 'A' ? 'B' : 'A'}${doc.teamAccount.slice(11)}`
    expect(() => parseGenesis(doc)).toThrow(/teamAccount: .*checksum/)
  })
})
