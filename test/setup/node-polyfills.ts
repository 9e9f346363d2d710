/** Test setup: the relay's Node 20 polyfills (Promise.withResolvers, global WebSocket). */
import '../../relay/src/polyfills.js'
