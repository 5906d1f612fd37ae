import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Suites that need a PostgreSQL server (real concurrency, ...) are named `*.pg.test.ts`. Without
 * TEST_DATABASE_URL they are left out, and the global setup says so and why; with it (CI) they run, and
 * an unreachable server fails the setup.
 */
export const POSTGRES_ONLY = 'tests/**/*.pg.test.ts';
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname, 'src'),
      // The app and its tests import the SDK by its package name, from its source (as tsconfig's paths
      // do); tests/integration/sdk/package.test.ts installs the packed build instead.
      '@runledger/sdk/telemetry': path.resolve(import.meta.dirname, 'packages/sdk/src/telemetry.ts'),
      '@runledger/sdk/transcript': path.resolve(import.meta.dirname, 'packages/sdk/src/transcript.ts'),
      '@runledger/sdk': path.resolve(import.meta.dirname, 'packages/sdk/src/index.ts'),
      // `server-only` throws outside React Server Components; tests and the CLI are server code too.
      'server-only': path.resolve(import.meta.dirname, 'tests/helpers/empty.ts'),
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(withPostgres ? [] : [POSTGRES_ONLY])],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
