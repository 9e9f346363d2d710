/** The version of this build of the app (vite.config.ts), or 'dev' outside a Vite build. */
export const VERSION: string = typeof __WATT_VERSION__ === 'string' ? __WATT_VERSION__ : 'dev'
