import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two test files at once on two cores (vitest's default is cores − 1): most e2e time is
    // spent waiting for CLI child processes, and one file at a time took the suite near 9 min.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
