import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { isAppError } from '@/server/errors';
import {
  commitReservation,
  createReservation,
  getUsage,
  putQuota,
  recordUsage,
  releaseReservation,
} from '@/server/usage';
import { freshPostgres } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';
import { counterMismatches, ledgerTotal, rollupMismatches } from '../../helpers/usage';

/** Runs `total` tasks on `workers` concurrent loops; counts answers and quota_exceeded refusals. */
async function hammer(workers: number, total: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  let allowed = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < total) {
        const i = next++;
        try {
          await task(i);
          allowed++;
        } catch (err) {
          if (isAppError(err) && err.code === 'quota_exceeded') refused++;
          else throw err;
        }
      }
    }),
  );
  return { allowed, refused };
}

// Real concurrency needs the Postgres server (PGlite runs one statement at a time): a `.pg.test.ts`
// file, run only when TEST_DATABASE_URL is set (vitest.config.ts), and then it must reach the server.
describe('usage under concurrency [postgres, pool of 64]', () => {
  let conn: DbConnection;
  beforeAll(async () => {
    conn = await freshPostgres(64);
  });
  afterAll(async () => {
    await conn?.close();
  });
  const db = () => conn.db;

  it('allows exactly the hard daily limit out of 1000 racing records', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'requests', window: 'day', limit: 500 });
    const r = await hammer(64, 1000, () =>
      recordUsage(db(), p.id, { subject: 'hot', metric: 'requests', amount: 1 }),
    );
    expect(r).toEqual({ allowed: 500, refused: 500 });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 500, rows: 500 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  }, 180_000);

  it('keeps a minute and a day quota all or nothing under the same race', async () => {
    const p = await makeProject(db());
    // A fixed instant well inside one minute, so the minute window cannot roll over mid-test.
    const now = new Date('2026-11-23T10:15:05.000Z');
    await putQuota(db(), p.id, { subject: '*', metric: 'requests', window: 'minute', limit: 150 });
    await putQuota(db(), p.id, { subject: '*', metric: 'requests', window: 'day', limit: 500 });
    const r = await hammer(64, 1000, () =>
      recordUsage(db(), p.id, { subject: 'hot', metric: 'requests', amount: 1 }, { now }),
    );
    expect(r).toEqual({ allowed: 150, refused: 850 });
    const usage = await getUsage(db(), p.id, { subject: 'hot', metric: 'requests' }, { now });
    expect(usage.windows.map((w) => [w.window, w.used])).toEqual([
      ['minute', 150],
      ['day', 150],
    ]);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 150, rows: 150 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  }, 180_000);

  it('races reservations, commits, releases and records without overspending', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 2500 });
    const key = { subject: 'hot', metric: 'tokens' };
    const r = await hammer(64, 600, async (i) => {
      if (i % 3 === 0) return recordUsage(db(), p.id, { ...key, amount: 7 });
      const { reservation } = await createReservation(db(), p.id, { ...key, amount: 20 });
      if (i % 3 === 1) return commitReservation(db(), p.id, reservation.id, { amount: i % 2 ? 10 : 20 });
      return releaseReservation(db(), p.id, reservation.id);
    });
    expect(r.allowed + r.refused).toBe(600);
    expect(r.refused).toBeGreaterThan(0);
    const { total } = await ledgerTotal(db(), p.id);
    expect(total).toBeLessThanOrEqual(2500);
    const usage = await getUsage(db(), p.id, key);
    expect(usage.windows[0]!.used).toBe(total);
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  }, 180_000);

  it('settles one reservation once when commits and releases race on it', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const { reservation } = await createReservation(db(), p.id, {
      subject: 'u',
      metric: 'tokens',
      amount: 50,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        i % 2
          ? commitReservation(db(), p.id, reservation.id, { amount: 30 })
          : releaseReservation(db(), p.id, reservation.id),
      ),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const x of results) {
      if (x.status === 'rejected') expect(x.reason).toMatchObject({ code: 'conflict' });
    }
    const used = (await getUsage(db(), p.id, { subject: 'u', metric: 'tokens' })).windows[0]!.used;
    expect(used).toBe((await ledgerTotal(db(), p.id)).total);
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  }, 180_000);

  it('answers 64 concurrent retries of one key with one ledger row', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 1000 });
    const answers = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        recordUsage(db(), p.id, {
          subject: 'u',
          metric: 'tokens',
          amount: 5,
          idempotencyKey: `k-${i % 4}`,
        }),
      ),
    );
    for (let i = 0; i < 64; i++) expect(answers[i]).toEqual(answers[i % 4]);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 20, rows: 4 });
    expect(new Set(answers.map((a) => a.windows[0]!.used))).toEqual(new Set([5, 10, 15, 20]));
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  }, 180_000);
});
