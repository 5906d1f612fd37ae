/**
 * docs/self-hosting.md's Postgres backup, done for real: runs written through the API into a built
 * server, a `pg_dump` taken while it runs, restored with `pg_restore` into a new database and served by
 * a new server, which lists the same runs with the same events.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startBuiltApp } from '../../scripts/lib/built-app';
import { type Snapshot, snapshot, writeRuns } from '../helpers/backup';
import { adminUrl, testServerUrl, withDatabase } from '../helpers/pg-url';
import { prepareTestDatabase } from '../helpers/server';

const run = promisify(execFile);

describe('backup and restore on Postgres', () => {
  it('a pg_dump taken while the server runs, restored into a new database, has the same runs', async () => {
    const db = await prepareTestDatabase('postgres', ['main']);
    const serverUrl = testServerUrl()!;
    const target = `runledger_restore_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
    const dir = mkdtempSync(path.join(tmpdir(), 'runledger-dump-'));
    try {
      const first = await startBuiltApp({ purpose: 'The restore test', env: db.env });
      let before: Snapshot;
      try {
        await writeRuns(first.baseUrl, db.keys.main!);
        before = await snapshot(first.baseUrl, db.keys.main!);
        const dump = path.join(dir, 'runledger.dump');
        await run('pg_dump', ['--format=custom', `--file=${dump}`, db.databaseUrl!]);
        await admin.unsafe(`create database "${target}"`);
        await run('pg_restore', ['--no-owner', `--dbname=${withDatabase(serverUrl, target)}`, dump]);
      } finally {
        await first.stop();
      }
      const restored = await startBuiltApp({
        purpose: 'The restore test',
        env: { ...db.env, DATABASE_URL: withDatabase(serverUrl, target) },
      });
      try {
        const after = await snapshot(restored.baseUrl, db.keys.main!);
        expect(before.runs).toHaveLength(3);
        expect(after).toEqual(before);
      } finally {
        await restored.stop();
      }
    } finally {
      await admin.unsafe(`drop database if exists "${target}" with (force)`);
      await admin.end();
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
