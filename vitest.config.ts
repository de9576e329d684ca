import { defineConfig } from 'vitest/config';

// No TZ here: the engine sets its own time zone (UTC), and .ci/run runs the suite again under a non-UTC TZ.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
