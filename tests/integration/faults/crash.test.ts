/**
 * Crash safety, by really killing the built server while 8 clients append batches:
 * kill -9 then restart on the same database, and SIGTERM (graceful shutdown) then restart. Every batch
 * answered 200 must be stored whole, and no batch in part. On PGlite, the CLI makes a key through the
 * live server, other CLI commands on its folder are refused (the folder lock), and the lock left by
 * kill -9 does not block the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite } from '@/db/client';
import { type BuiltApp, startBuiltApp } from '../../../scripts/lib/built-app';
import { availableDrivers } from '../../helpers/db';
import { checkStored, startIngest, waitFor } from '../../helpers/ingest';
import { prepareTestDatabase, type TestDatabase } from '../../helpers/server';
import { cliHere } from '../../helpers/cli';

const start = (db: TestDatabase) => startBuiltApp({ purpose: 'The crash tests', env: db.env });

for (const driver of availableDrivers()) {
  describe(`crash safety [${driver} server]`, () => {
    let db: TestDatabase;
    let app: BuiltApp | undefined;
    /** The server the kill -9 test restarted and checked, serving on for the SIGTERM test. */
    let restarted: BuiltApp | undefined;

    beforeAll(async () => {
      db = await prepareTestDatabase(driver, ['main']);
    });
    afterAll(async () => {
      await app?.stop();
      await db?.cleanup();
    });

    it('kill -9 during ingest: after a restart every acknowledged batch is stored whole, none in part', async () => {
      app = await start(db);
      if (driver === 'pglite') {
        // A second server on the same folder refuses to start (and leaves the first one's lock alone).
        // Before the ingest: that start takes seconds, and the clients would fill the database meanwhile.
        await expect(start(db)).rejects.toThrow(/exited early[\s\S]*cannot start: the PGlite data folder/);
      }
      const ingest = await startIngest(app.baseUrl, db.keys.main!, { label: 'kill -9' });
      await waitFor('20 acknowledged batches', () => ingest.acked() >= 20);

      if (driver === 'pglite') {
        // The CLI on the folder of the live server: `keys create` goes through the server (its local
        // token) while the ingest runs; a command that needs the folder itself is refused.
        const key = await cliHere(
          () => connectPglite(db.dataDir!),
          'keys',
          'create',
          '--project',
          'from-cli',
        );
        expect(key.code, key.stderr).toBe(0);
        expect(key.stdout).toMatch(/\nrl_[A-Za-z0-9_-]{32,}\n$/);
        const seed = await cliHere(() => connectPglite(db.dataDir!), 'seed-demo');
        expect(seed.code).toBe(3);
        expect(seed.stderr).toContain('the server is running on this folder');
        expect(seed.stdout).toBe('');
      }

      await waitFor('more acknowledged batches', () => ingest.acked() >= 30);
      process.kill(app.pid, 'SIGKILL');
      await app.exited;
      const batches = await ingest.stop();

      app = await start(db); // on PGlite: the dead server's lock is stale and taken over
      const check = await checkStored(app.baseUrl, db.keys.main!, batches);
      console.log(`[faults] kill -9 on ${driver}:`, JSON.stringify(check));
      expect(check.acked).toBeGreaterThanOrEqual(30);
      expect(check.lost).toBe(0);
      expect(check.partial).toBe(0);
      const statuses = new Set(batches.map((b) => b.status));
      expect([...statuses].filter((s) => s !== 200 && s !== 0)).toEqual([]);
      if (driver === 'pglite') expect(app.logs()).toContain('removing a stale PGlite lock');
      restarted = app;
    }, 240_000);

    it('SIGTERM during ingest with keep-alive clients: exits within 10 s, answers 200 or 503, loses nothing', async () => {
      // A start saved: the server that came back after kill -9 (a fresh one if that test failed).
      if (!restarted) await app?.stop();
      app = restarted ?? (await start(db));
      restarted = undefined;
      const ingest = await startIngest(app.baseUrl, db.keys.main!, { label: 'sigterm' });
      await waitFor('20 acknowledged batches', () => ingest.acked() >= 20);
      const t0 = Date.now();
      process.kill(app.pid, 'SIGTERM');
      const exit = await app.exited;
      const exitMs = Date.now() - t0;
      const logs = app.logs();
      const batches = await ingest.stop();
      const afterSignal = batches.filter((b) => b.at + b.ms >= t0);

      app = await start(db);
      const check = await checkStored(app.baseUrl, db.keys.main!, batches);
      const answered = afterSignal.map((b) => b.status).filter((s) => s !== 0);
      console.log(
        `[faults] SIGTERM on ${driver}: exit ${JSON.stringify(exit)} after ${exitMs} ms; answers after the signal: ` +
          `${answered.filter((s) => s === 200).length}x200, ${answered.filter((s) => s === 503).length}x503; ` +
          JSON.stringify(check),
      );
      expect(exitMs).toBeLessThan(10_000);
      expect(logs).toContain('database closed');
      expect(answered.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      for (const b of afterSignal.filter((x) => x.status === 503)) {
        expect(b.code).toBe('service_unavailable');
        expect(b.retryAfter).toMatch(/^\d+$/);
      }
      expect(check.lost).toBe(0);
      expect(check.partial).toBe(0);
    }, 240_000);
  });
}
