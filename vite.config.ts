import { readFileSync } from 'node:fs'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

/**
 * The PWA build. The app lives in src/app (index.html there), static assets in public/, and the
 * output in dist/ (served by `watt-relay devnet --app dist`, or `vite preview`). Workers are ES
 * modules. The service worker precaches the shell so the app opens offline; updates wait for the
 * user (registerType 'prompt').
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string
}

export default defineConfig({
  root: 'src/app',
  // The version shown in the app (Me → This app). WATT_BUILD names a build (tests build two versions to
  // check that an update waits for the person); by default the package version.
  define: { __WATT_VERSION__: JSON.stringify(process.env.WATT_BUILD ?? pkg.version) },
  publicDir: '../../public',
  plugins: [
    preact(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: null,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The relay's API and config are never the app shell.
        navigateFallbackDenylist: [/^\/v1\//, /^\/config\.json$/, /^\/metrics$/],
        // On first install, take control at once so the app works offline without a reload. Updates
        // still wait for the person (registerType 'prompt': no skipWaiting until they tap "Update").
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    outDir: '../../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
})
