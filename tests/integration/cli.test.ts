/**
 * The CLI. Its entry as a user runs it (`npm run cli -- …` is tsx with the react-server condition), in
 * its own process: with bad usage, and making a key on a PGlite folder (the database from the
 * environment: the same getConnection the built servers of the Postgres suites open theirs with). The
 * commands themselves run in this process (`runCli`, the code behind that entry: a process per command
 * cost seconds of module loading each), on a migrated PGlite folder and on a fresh database on the
 * Postgres server. seed-demo runs on one of them: the seed itself, once and then a no-op, is checked
 * on both databases by demo-seed.test.ts; here only the command around it is.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { projects, runs } from '@/db/schema';
import { verifyApiKey } from '@/server/api-keys';
import { cliHere } from '../helpers/cli';
import { availableDrivers } from '../helpers/db';
import { prepareTestDatabase, type TestDatabase } from '../helpers/server';
import { runTsx } from '../helpers/tsx';

// A data folder that must never be created: the argument errors come before the database.
const noDatabase = {
  DATABASE_URL: '',
  RUNLEDGER_DATA_DIR: path.join(tmpdir(), `runledger-cli-never-${process.pid}`),
};

const cliProcess = (env: Record<string, string>, ...args: string[]) =>
  runTsx(['--conditions=react-server', 'src/cli/index.ts', ...args], env);

/** The key is the last line of stdout, with nothing after it. */
function lastLine(stdout: string): string {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout.slice(0, -1).split('\n').at(-1)!;
}

// Checked before the database is opened, so once is enough.
it('refuses bad usage with a message and a non-zero exit, before it opens a database', async () => {
  let opened = 0;
  const never = (): DbConnection => {
    opened++;
    throw new Error('bad usage opened the database');
  };
  const missing = await cliHere(never, 'keys', 'create');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('--project <slug> is required');
  const unknownOption = await cliHere(never, 'keys', 'create', '--project', 'x', '--colour', 'red');
  expect(unknownOption.code).toBe(1);
  expect(unknownOption.stderr).toContain('--colour');
  for (const args of [
    ['keys', 'create', '--project', 'a'],
    ['users', 'create', '--email', 'e@example.com', '--project', 'Bad Slug', '--role', 'viewer'],
  ]) {
    const badSlug = await cliHere(never, ...args);
    expect(badSlug.code).toBe(1);
    // One line saying what is wrong, not a validation library's dump.
    expect(badSlug.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(badSlug.stderr).toMatch(/^--project ".+" is not a project slug: use 2 to 64 lowercase letters/);
  }
  expect(opened).toBe(0);

  // The entry, in its own process: the exit codes and streams a shell sees, and no data folder.
  const missingProcess = await cliProcess(noDatabase, 'keys', 'create');
  expect(missingProcess.code).toBe(1);
  expect(missingProcess.stderr).toContain('--project <slug> is required');
  const unknown = await cliProcess(noDatabase, 'frobnicate');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('usage: npm run cli');
  expect(unknown.stdout).toBe('');
  expect(existsSync(noDatabase.RUNLEDGER_DATA_DIR)).toBe(false);
}, 180_000);

for (const driver of availableDrivers()) {
  describe(`cli [${driver}]`, () => {
    let db: TestDatabase;
    let open: () => DbConnection;

    beforeAll(async () => {
      db = await prepareTestDatabase(driver, []);
      open =
        driver === 'pglite' ? () => connectPglite(db.dataDir!) : () => connectPostgres(db.databaseUrl!, 2);
    });
    afterAll(async () => db?.cleanup());

    it('keys create: makes the project once, prints a working key as the last line', async () => {
      // On PGlite, the entry as a user runs it: the database from the environment.
      const first =
        driver === 'pglite'
          ? await cliProcess(db.env, 'keys', 'create', '--project', 'cli-proj', '--name', 'ci')
          : await cliHere(open, 'keys', 'create', '--project', 'cli-proj', '--name', 'ci');
      expect(first.code, first.stderr).toBe(0);
      const key1 = lastLine(first.stdout);
      expect(key1).toMatch(/^rl_[A-Za-z0-9_-]{32,}$/);
      const second = await cliHere(open, 'keys', 'create', '--project', 'cli-proj');
      expect(second.code, second.stderr).toBe(0);
      const key2 = lastLine(second.stdout);
      expect(key2).toMatch(/^rl_[A-Za-z0-9_-]{32,}$/);
      expect(key2).not.toBe(key1);

      // PGlite allows one process per folder: the CLI has closed it, so the test may open it now.
      const conn = open();
      try {
        const a = await verifyApiKey(conn.db, key1);
        const b = await verifyApiKey(conn.db, key2);
        expect(a?.projectId).toBeDefined();
        expect(b?.projectId).toBe(a?.projectId);
        const found = await conn.db.select().from(projects).where(eq(projects.slug, 'cli-proj'));
        expect(found.map((p) => p.id)).toEqual([a!.projectId]);
      } finally {
        await conn.close();
      }
    }, 180_000);

    // The command only (see the header): once is enough, on Postgres when there is one (its seed costs
    // a third of PGlite's).
    if (driver === availableDrivers().at(-1)) {
      it('seed-demo seeds once and is a no-op the second time', async () => {
        const first = await cliHere(open, 'seed-demo');
        expect(first.code, first.stderr).toBe(0);
        expect(first.stdout).toMatch(/demo project seeded \(\d+ runs/);
        const second = await cliHere(open, 'seed-demo');
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toContain('already seeded');
        const conn = open();
        try {
          const [demo] = await conn.db.select().from(projects).where(eq(projects.slug, 'demo'));
          const demoRuns = await conn.db
            .select({ id: runs.id })
            .from(runs)
            .where(eq(runs.projectId, demo!.id));
          expect(demoRuns.length).toBeGreaterThanOrEqual(150);
        } finally {
          await conn.close();
        }
      }, 180_000);
    }
  });
}
