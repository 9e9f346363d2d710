import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

/**
 * The PWA build. The app lives in src/app (index.html there), static assets in public/, and the
 * output in dist/ (served by `watt-relay devnet --app dist`, or `vite preview`). Workers are ES
 * modules. The service worker precaches the shell so the app opens offline; updates wait for the
 * user (registerType 'prompt').
 */
export default defineConfig({
  root: 'src/app',
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
