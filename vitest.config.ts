import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Generous: this machine runs several times slower at some hours, and a correct test that waits
    // on processes must not fail then. A hung test still ends, and says where.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Vitest's default is one file fewer than the CPUs: one at a time on 2 cores. Most suites wait on
    // processes, Redis and timers (stall detection, restarts), so two at once finish sooner.
    maxWorkers: 2,
  },
});
