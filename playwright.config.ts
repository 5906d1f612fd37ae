import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/lib/chromium';

const port = Number(process.env.E2E_PORT ?? 3217);
const postgresPort = port + 1;
// The config is evaluated in every worker too; only the main process starts the servers, so the data
// folder and the database name are chosen once and handed down through the environment.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'runledger-e2e-'));
// With a Postgres server (CI sets TEST_DATABASE_URL), the live-run spec runs a second time against a
// server on a fresh database there (created and dropped by the launcher): a page that follows a run
// while the API writes to it, end to end on Postgres. The other specs run on PGlite only:
// what differs on Postgres under them, the queries (history filters, search, paging, threads, usage
// and quotas) and the checkpoints, is in the Vitest suites on both databases (runs, search,
// run-facets, usage/reads, usage/quotas, api/usage and replay-checkpoints).
const postgresServerUrl = process.env.TEST_DATABASE_URL || undefined;
process.env.E2E_POSTGRES_DATABASE ??= `runledger_e2e_${Date.now().toString(36)}_${process.pid}`;
const POSTGRES_SPECS = ['live.spec.ts'];
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password';
export const E2E_ADMIN_EMAIL = 'owner@e2e.test';

const serverEnv = {
  RUNLEDGER_ADMIN_EMAIL: E2E_ADMIN_EMAIL,
  RUNLEDGER_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
  // The specs' webhook receivers listen on loopback; monitors are evaluated every second, not 30.
  RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: 'true',
  RUNLEDGER_MONITOR_INTERVAL_SECONDS: '1',
};
/** Writes the fixed runs the specs rely on into the server's database before it starts. */
const seedFixtures = 'node --conditions=react-server --import tsx tests/e2e/fixtures/seed.ts';

export default defineConfig({
  testDir: 'tests/e2e',
  globalTeardown: './tests/e2e/global-teardown.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // One at a time: specs share their project's server and database. (Running the two projects side by
  // side was measured slower on 2 cores: 9.9 min against ~6.)
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    // Recording a trace (a screencast and a DOM snapshot per action) costs Chromium about a fifth of
    // the suite's CPU, for files that a CI run discards: E2E_TRACE=1 keeps one for each failed test.
    trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    { name: 'pglite', use: { baseURL: `http://127.0.0.1:${port}` } },
    ...(postgresServerUrl
      ? [
          {
            name: 'postgres',
            testMatch: POSTGRES_SPECS,
            use: { baseURL: `http://127.0.0.1:${postgresPort}` },
          },
        ]
      : []),
  ],
  webServer: [
    {
      name: 'pglite',
      command: `node scripts/standalone-assets.mjs --if-needed && ${seedFixtures} && node .next/standalone/server.js`,
      url: `http://127.0.0.1:${port}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      env: {
        ...serverEnv,
        PORT: String(port),
        HOSTNAME: '127.0.0.1',
        RUNLEDGER_DATA_DIR: process.env.E2E_DATA_DIR,
        DATABASE_URL: '',
      },
    },
    ...(postgresServerUrl
      ? [
          {
            name: 'postgres',
            command: `node --import tsx scripts/e2e-postgres-server.ts ${postgresPort}`,
            url: `http://127.0.0.1:${postgresPort}/api/health`,
            timeout: 120_000,
            reuseExistingServer: false,
            stdout: 'pipe' as const,
            // SIGTERM lets the launcher drop its database after the app stopped.
            gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 15_000 },
            env: {
              ...serverEnv,
              E2E_POSTGRES_SERVER_URL: postgresServerUrl,
              E2E_POSTGRES_DATABASE: process.env.E2E_POSTGRES_DATABASE,
            },
          },
        ]
      : []),
  ],
});
