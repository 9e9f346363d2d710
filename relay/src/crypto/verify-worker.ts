/** Worker-thread entry for the verify pool: verifies one chunk of signatures with node:crypto. */
import { parentPort } from 'node:worker_threads'
import type { VerifyItem } from '../../../src/core/crypto/batch.js'
import { nodeEd25519 } from './ed25519-node.js'

parentPort!.on('message', (msg: { id: number; items: VerifyItem[] }) => {
  const results = new Uint8Array(msg.items.length)
  for (let i = 0; i < msg.items.length; i++) {
    const it = msg.items[i]!
    results[i] = nodeEd25519.verifySync(it.publicKey, it.message, it.signature) ? 1 : 0
  }
  parentPort!.postMessage({ id: msg.id, results }, [results.buffer])
})
