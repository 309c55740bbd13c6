import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Property tests run hundreds of simulations: give them room on a 2-core machine.
    testTimeout: 60_000,
  },
});
