import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Whole drills run in tests; on a busy two-core CI machine some take several seconds.
    testTimeout: 30_000,
  },
});
