import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start servers and browsers share 2 cores; running files one at a time keeps
    // timings stable and the machine responsive.
    fileParallelism: false,
  },
});
