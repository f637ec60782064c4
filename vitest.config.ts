import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Whole drills run in tests; on a busy two-core CI machine some take several seconds.
    testTimeout: 30_000,
    // One test file per core, not vitest's cores - 1: many files spend most of their time
    // waiting on the CLI processes they spawn, so a second file fits on a two-core machine
    // (the suite takes 4 minutes there instead of 6 1/2).
    maxWorkers: availableParallelism(),
  },
});
