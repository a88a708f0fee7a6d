import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Integration tests spawn worker pools and build datasets; two cores means little to gain from
    // more parallel files, and a lot to lose in contention.
    maxWorkers: 2,
  },
});
