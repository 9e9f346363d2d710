/// <reference types="vite-plugin-pwa/vanillajs" />

/** The app's version, set at build time (vite.config.ts `define`). */
declare const __WATT_VERSION__: string
