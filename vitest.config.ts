import { defineConfig } from 'vitest/config'

/**
 * Test projects. `npm test` runs `unit` (fast, every run) and `e2e` (real devnet + Chromium) once
 * they exist. Slow suites run by their own command: `npm run test:fuzz`, `npm run test:soak`.
 */
const setupFiles = ['test/setup/node-polyfills.ts']
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'relay/test/unit/**/*.test.ts'],
          setupFiles,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'relay/test/e2e/**/*.test.ts'],
          setupFiles,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Browser suites share one machine's two cores with a devnet: run files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: { name: 'fuzz', include: ['test/fuzz/**/*.test.ts'], setupFiles, testTimeout: 600_000 },
      },
      {
        test: { name: 'soak', include: ['test/soak/**/*.test.ts'], setupFiles, testTimeout: 3_600_000 },
      },
    ],
  },
})
