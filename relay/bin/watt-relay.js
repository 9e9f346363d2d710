#!/usr/bin/env node
// watt-relay: the Watt Network validator node. The package runs its TypeScript sources through tsx
// (registered here), after the Node 20 polyfills libp2p needs.
import { register } from 'tsx/esm/api'

register()
await import('../src/polyfills.ts')
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
