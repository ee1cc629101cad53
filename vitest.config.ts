import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (moto) and real toolchains: give them room, but bounded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time even on a 2-core machine (vitest's default there is one): integration tests spend
    // most of their time waiting on moto, child processes and toolchains, so two overlap well (CI: 527 s → 336 s).
    // Tests that depend on timing must hold under that load (build-lock.test.ts waits for events, not for time).
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
