import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one file fewer than the CPUs: one at a time on 2 cores. Most suites wait on
    // processes, Redis and timers (stall detection, restarts), so two at once finish sooner.
    maxWorkers: 2,
  },
});
