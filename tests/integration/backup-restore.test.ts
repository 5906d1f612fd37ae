/**
 * docs/self-hosting.md's PGlite backup, done for real: runs written through the API into a built
 * server, its data folder copied after it stopped and served by a new server, which lists the same runs
 * with the same events. (Postgres: backup-restore.pg.test.ts.)
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBuiltApp } from '../../scripts/lib/built-app';
import { snapshot, writeRuns } from '../helpers/backup';
import { prepareTestDatabase } from '../helpers/server';

describe('backup and restore on PGlite', () => {
  it('a copied PGlite folder, served by a new server, has the same runs', async () => {
    const db = await prepareTestDatabase('pglite', ['main']);
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'runledger-restore-')), 'pglite');
    try {
      const first = await startBuiltApp({ purpose: 'The restore test', env: db.env });
      await writeRuns(first.baseUrl, db.keys.main!);
      const before = await snapshot(first.baseUrl, db.keys.main!);
      await first.stop(); // PGlite: stop the server, then copy the folder
      cpSync(db.dataDir!, copy, { recursive: true });
      const restored = await startBuiltApp({
        purpose: 'The restore test',
        env: { ...db.env, RUNLEDGER_DATA_DIR: copy },
      });
      try {
        const after = await snapshot(restored.baseUrl, db.keys.main!);
        expect(before.runs).toHaveLength(3);
        expect(before.events).toBe(6);
        expect(after).toEqual(before);
      } finally {
        await restored.stop();
      }
    } finally {
      await db.cleanup();
      rmSync(path.dirname(copy), { recursive: true, force: true });
    }
  }, 240_000);
});
