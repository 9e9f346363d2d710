/**
 * A bare relay host in its own process (for tests that kill it): circuit relay v2 server, WebSockets on
 * loopback. Prints its multiaddr on the first line of stdout and runs until killed.
 *
 *   node --import tsx test/e2e/helpers/relay-process.ts <network id hex>
 */
import '../../../relay/src/polyfills.js'
import { fromHex } from '../../../src/core/codec/bytes.js'
import { createRelayHost } from '../../../src/net/index.node.js'

const host = await createRelayHost({
  networkId: fromHex(process.argv[2] ?? ''),
  connections: { allow: ['/ip4/127.0.0.0/ipcidr/8'] },
})
process.stdout.write(`${host.multiaddrs()[0]!.toString()}\n`)
process.on('SIGTERM', () => {
  void host.stop().then(() => process.exit(0))
})
