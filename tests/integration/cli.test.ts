/**
 * The CLI as a user runs it (`npm run cli -- …` is tsx with the react-server condition), in its own
 * process, on a fresh PGlite folder and on a fresh database on the Postgres server.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { projects, runs } from '@/db/schema';
import { verifyApiKey } from '@/server/api-keys';
import { availableDrivers, freshPostgresDatabase } from '../helpers/db';
import { runTsx } from '../helpers/tsx';

// A data folder that must never be created: the argument errors come before the database.
const noDatabase = {
  DATABASE_URL: '',
  RUNLEDGER_DATA_DIR: path.join(tmpdir(), `runledger-cli-never-${process.pid}`),
};

const cli = (env: Record<string, string>, ...args: string[]) =>
  runTsx(['--conditions=react-server', 'src/cli/index.ts', ...args], env);

/** The key is the last line of stdout, with nothing after it. */
function lastLine(stdout: string): string {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout.slice(0, -1).split('\n').at(-1)!;
}

// Checked before the database is opened, so once is enough.
it('refuses bad usage with a message and a non-zero exit, before it opens a database', async () => {
  const missing = await cli(noDatabase, 'keys', 'create');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('--project <slug> is required');
  const unknownOption = await cli(noDatabase, 'keys', 'create', '--project', 'x', '--colour', 'red');
  expect(unknownOption.code).toBe(1);
  expect(unknownOption.stderr).toContain('--colour');
  for (const args of [
    ['keys', 'create', '--project', 'a'],
    ['users', 'create', '--email', 'e@example.com', '--project', 'Bad Slug', '--role', 'viewer'],
  ]) {
    const badSlug = await cli(noDatabase, ...args);
    expect(badSlug.code).toBe(1);
    // One line saying what is wrong, not a validation library's dump.
    expect(badSlug.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(badSlug.stderr).toMatch(/^--project ".+" is not a project slug: use 2 to 64 lowercase letters/);
  }
  const unknown = await cli(noDatabase, 'frobnicate');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('usage: npm run cli');
  expect(unknown.stdout).toBe('');
  expect(existsSync(noDatabase.RUNLEDGER_DATA_DIR)).toBe(false);
}, 180_000);

for (const driver of availableDrivers()) {
  describe(`cli [${driver}]`, () => {
    let env: Record<string, string>;
    let open: () => DbConnection;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      if (driver === 'pglite') {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'runledger-cli-'));
        env = { DATABASE_URL: '', RUNLEDGER_DATA_DIR: dataDir };
        open = () => connectPglite(dataDir);
        cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
      } else {
        const created = await freshPostgresDatabase();
        env = { DATABASE_URL: created.url };
        open = () => connectPostgres(created.url, 2);
        cleanup = created.drop;
      }
    });
    afterAll(async () => cleanup?.());

    it('keys create: makes the project once, prints a working key as the last line', async () => {
      const first = await cli(env, 'keys', 'create', '--project', 'cli-proj', '--name', 'ci');
      expect(first.code, first.stderr).toBe(0);
      const key1 = lastLine(first.stdout);
      expect(key1).toMatch(/^rl_[A-Za-z0-9_-]{32,}$/);
      const second = await cli(env, 'keys', 'create', '--project', 'cli-proj');
      expect(second.code, second.stderr).toBe(0);
      const key2 = lastLine(second.stdout);
      expect(key2).not.toBe(key1);

      // PGlite allows one process per folder: the CLI has exited, so the test may open it now.
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

    it('seed-demo seeds once and is a no-op the second time', async () => {
      const first = await cli(env, 'seed-demo');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/demo project seeded \(\d+ runs/);
      const second = await cli(env, 'seed-demo');
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('already seeded');
      const conn = open();
      try {
        const [demo] = await conn.db.select().from(projects).where(eq(projects.slug, 'demo'));
        const demoRuns = await conn.db.select({ id: runs.id }).from(runs).where(eq(runs.projectId, demo!.id));
        expect(demoRuns.length).toBeGreaterThanOrEqual(150);
      } finally {
        await conn.close();
      }
    }, 180_000);
  });
}
