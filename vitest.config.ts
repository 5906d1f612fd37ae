import { existsSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Suites that need a PostgreSQL server (real concurrency, ...) are named `*.pg.test.ts`. Without
 * TEST_DATABASE_URL they are left out, and the global setup says so and why; with it (CI) they run, and
 * an unreachable server fails the setup.
 */
export const POSTGRES_ONLY = 'tests/**/*.pg.test.ts';
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Suites that replace a module with `vi.mock` (Next.js's request scope): they run isolated, each file
 * with its own modules, so that neither their mocks nor the real modules reach another file.
 */
const MOCKING = [
  'tests/integration/teams/role-matrix.test.ts',
  'tests/integration/teams/landing.test.ts',
  'tests/integration/security/role-ui.test.ts',
  'tests/integration/security/csv-injection.test.ts',
  'tests/integration/read-after-write.test.ts',
];

const root = import.meta.dirname;

/**
 * The longest files (wall time of a full run, longest first), started before all others. Without a
 * results cache (a fresh checkout, as in CI) Vitest starts the larger files first, and a short file
 * that runs for minutes (it drives server processes) could start last and leave one worker idle
 * while the other finishes it. Files not listed keep Vitest's order, after these.
 */
const LONGEST_FIRST = [
  'tests/integration/faults/crash.test.ts',
  'tests/integration/read-replica.pg.test.ts',
  'tests/integration/two-servers.pg.test.ts',
  'tests/integration/api/usage-concurrency.test.ts',
  'tests/integration/sdk/package.test.ts',
  'tests/integration/first-start.test.ts',
  'tests/integration/teams/accounts.test.ts',
  'tests/integration/replay-checkpoints.test.ts',
  'tests/integration/cli.test.ts',
  'tests/integration/backup-restore.test.ts',
  'tests/integration/faults/postgres-outage.pg.test.ts',
  'tests/integration/usage/concurrency.pg.test.ts',
  'tests/integration/usage/counters-property.test.ts',
  'tests/integration/sdk/recorder.test.ts',
  'tests/integration/webhooks-processes.pg.test.ts',
  'tests/integration/backup-restore.pg.test.ts',
  'tests/integration/teams/upgrade.test.ts',
  'tests/integration/otel-ingest.test.ts',
  'tests/integration/api/otel-mastra.test.ts',
  'tests/integration/jobs-processes.pg.test.ts',
  'tests/integration/search.test.ts',
];
for (const file of LONGEST_FIRST) {
  if (!existsSync(path.join(root, file))) throw new Error(`vitest.config.ts LONGEST_FIRST: no ${file}`);
}

class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(path.relative(root, spec.moduleId));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    // Stable: the isolated project's files stay first, as Vitest runs them.
    return sorted.sort(
      (a, b) => Number(!a.project.config.isolate) - Number(!b.project.config.isolate) || rank(a) - rank(b),
    );
  }
}
const shared = {
  resolve: {
    alias: {
      '@': path.resolve(root, 'src'),
      // The app and its tests import the SDK by its package name, from its source (as tsconfig's paths
      // do); tests/integration/sdk/package.test.ts installs the packed build instead.
      '@runledger/sdk/telemetry': path.resolve(root, 'packages/sdk/src/telemetry.ts'),
      '@runledger/sdk/transcript': path.resolve(root, 'packages/sdk/src/transcript.ts'),
      '@runledger/sdk': path.resolve(root, 'packages/sdk/src/index.ts'),
      // `server-only` throws outside React Server Components; tests and the CLI are server code too.
      'server-only': path.resolve(root, 'tests/helpers/empty.ts'),
    },
  },
};
const test = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  exclude: [...configDefaults.exclude, ...(withPostgres ? [] : [POSTGRES_ONLY])],
};

export default defineConfig({
  ...shared,
  test: {
    // Runs once for the whole run (the projects below declare none of their own).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Three on two cores: the files that wait on processes they start (a standby's base backup, servers
    // killed and restarted) leave a core idle that the third fills (349 s against 368 s, same CPU).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        ...shared,
        test: { ...test, name: 'isolated', include: MOCKING, isolate: true },
      },
      {
        ...shared,
        // A worker keeps the modules it loaded from one file to the next: the app's server code, Next.js,
        // React and the AI SDK are loaded once per worker instead of once per file. Every suite opens
        // its own database and sets the request scope it uses, so no file depends on what another left.
        test: {
          ...test,
          name: 'shared',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: [...test.exclude, ...MOCKING],
          isolate: false,
        },
      },
    ],
  },
});
