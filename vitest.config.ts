import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Real scanners run once for the whole suite (test/global-setup.ts), not per test.
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
    // Two cores: scanner-heavy files would only compete with each other.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'out/test-results.json' },
  },
});
