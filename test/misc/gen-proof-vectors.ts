/**
 * Generates the committed proof vectors (test/vectors/proofs/*.json) with the pure reference hasher
 * (@noble/hashes), so they do not depend on hash-wasm. Run after a deliberate format change:
 *
 *   node --import tsx test/misc/gen-proof-vectors.ts
 *
 * test/unit/proofs/vectors.test.ts checks that the code still produces exactly these bytes.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { networkIdOf, toHex } from '../../src/core/codec/index.js'
import { nobleEd25519, seedSigner } from '../../src/core/crypto/index.js'
import {
  createGraph,
  DEFAULT_PARAMS,
  encodePoSt,
  GENESIS_POST_DIGEST,
  makeFaultEvidence,
  memoryStore,
  nobleHasher,
  type ProofParams,
  ProofParamsCodec,
  porepIdOf,
  proofCodecs,
  provePoSt,
  proveSeal,
  readWholeFile,
  SealCheckpoint,
  SealedSectorInfo,
  sealSector,
  sectorPaths,
  signPoSt,
  validateParams,
  writeSectorData,
} from '../../src/core/proofs/index.js'
import { toJson } from '../helpers/json.js'
import { pseudoRandomBytes } from '../unit/proofs/fixtures.js'

/** The vector parameters: the smallest sector (32 nodes), 3 layers, 2 seal challenges, 2–4 PoSt rounds. */
export const VECTOR_PARAMS: ProofParams = validateParams({
  ...DEFAULT_PARAMS,
  sectorSize: 1024,
  layers: 3,
  sealChallenges: 2,
  postChallengesMin: 2,
  postChallengesMax: 4,
})

const out = fileURLToPath(new URL('../vectors/proofs/', import.meta.url))
const h = nobleHasher('blake3')
const p = VECTOR_PARAMS
const miner = new Uint8Array(32).fill(0x11)
const ticket = new Uint8Array(32).fill(0x33)
const seed = { height: 30n, hash: new Uint8Array(32).fill(0x44) }
const beacon = new Uint8Array(32).fill(0x55)

const store = memoryStore()
const data = pseudoRandomBytes(p.sectorSize, 7)
await writeSectorData(store, 'v', data)
const info = await sealSector(h, store, {
  params: p,
  sectorId: 'v',
  miner,
  sectorNumber: 5n,
  ticket,
  ticketHeight: 10n,
})
const layers: string[] = []
for (let l = 1; l <= p.layers; l++) layers.push(toHex(await readWholeFile(store, sectorPaths('v').layer(l))))
const sealProof = await proveSeal(h, store, 'v', p, seed)
const signer = await seedSigner(nobleEd25519, new Uint8Array(32).fill(9))
const post = await provePoSt(h, store, {
  params: p,
  prover: signer.publicKey,
  window: 3n,
  checkInHeight: 100n,
  beacon,
  prevDigest: GENESIS_POST_DIGEST,
  sectorIds: ['v'],
})
const postBytes = encodePoSt(p, post).bytes
const networkId = networkIdOf('watt vectors')
const signed = await signPoSt(p, networkId, signer, 3n, postBytes)
const evidence = makeFaultEvidence(signed, 'lateProof', 120n)
const checkpoint: SealCheckpoint = {
  v: 1,
  porepId: porepIdOf(p),
  miner,
  sectorNumber: 5n,
  ticketHeight: 10n,
  ticket,
  seq: 4n,
  phase: 'labels',
  layer: 2,
  nodesDone: 16,
  commD: info.commD,
  replicaId: info.replicaId,
}

const parentsOf = (params: ProofParams, nodes: number[]) => {
  const g = createGraph(params, porepIdOf(params))
  return Object.fromEntries(
    nodes.map((v) => {
      const a = new Uint32Array(g.degree)
      g.parentsOf(v, a, 0)
      return [String(v), Array.from(a)]
    }),
  )
}

const construction = {
  description:
    'Sealing of a 1 KiB sector (32 nodes, 3 layers, BLAKE3) with the reference hasher; graph parents of the vector and the default parameters.',
  params: toJson(p),
  porepId: toHex(porepIdOf(p)),
  defaultPorepId: toHex(porepIdOf(DEFAULT_PARAMS)),
  request: { miner: toHex(miner), sectorNumber: '5', ticket: toHex(ticket), ticketHeight: '10', dataSeed: 7 },
  parents: parentsOf(p, [0, 1, 2, 3, 17, 31]),
  defaultParents: parentsOf(DEFAULT_PARAMS, [0, 1, 2, 1000, 2 ** 19, 2 ** 20 - 1]),
  layers,
  info: toJson(info),
  sealSeed: toJson(seed),
  sealChallenges: sealProof.challenges.map((c) => c.node),
}
writeFileSync(`${out}construction.json`, `${JSON.stringify(construction, null, 2)}\n`)

const c = proofCodecs(p)
const messages = [
  { type: 'ProofParams', value: p, hex: toHex(ProofParamsCodec.encode({ ...p })) },
  { type: 'SealedSectorInfo', value: info, hex: toHex(SealedSectorInfo.encode(info)) },
  { type: 'SealCheckpoint', value: checkpoint, hex: toHex(SealCheckpoint.encode(checkpoint)) },
  { type: 'SealProof', value: sealProof, hex: toHex(c.sealProof.encode(sealProof)) },
  { type: 'PoStProof', value: post, hex: toHex(postBytes) },
  { type: 'SignedPoSt', value: signed, hex: toHex(c.signedPoSt.encode(signed)) },
  { type: 'PoStFaultEvidence', value: evidence, hex: toHex(c.evidence.encode(evidence)) },
]
writeFileSync(
  `${out}codecs.json`,
  `${JSON.stringify(
    {
      description: 'Canonical encodings of the proof messages, for the parameters in construction.json.',
      networkPassphrase: 'watt vectors',
      messages: messages.map((m) => ({ type: m.type, value: toJson(m.value), hex: m.hex })),
    },
    null,
    2,
  )}\n`,
)
console.log(
  `wrote ${out}construction.json and codecs.json (${messages.map((m) => `${m.type} ${m.hex.length / 2} B`).join(', ')})`,
)
