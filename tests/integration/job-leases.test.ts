import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { listEventPartitions } from '@/server/events/partitions';
import { finishPass, orphans, renew, startJobs, tryAcquire, withLease } from '@/server/jobs';
import { describeEachDb } from '../helpers/db';
import { waitFor } from '../helpers/ingest';

/** Two processes' lease settings on one clock the test moves. */
function clock() {
  let t = Date.parse('2026-03-01T00:00:00Z');
  const now = () => new Date(t);
  return {
    a: { holder: 'a', ttlMs: 1000, now },
    b: { holder: 'b', ttlMs: 1000, now },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describeEachDb('job leases', ({ db }) => {
  it('one holder at a time; renewed while held; taken over once it ran out', async () => {
    const { a, b, advance } = clock();
    // Raced (on Postgres two connections at once): exactly one gets it; then `a` holds it.
    const raced = await Promise.all([tryAcquire(db(), 'r', a), tryAcquire(db(), 'r', b)]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await tryAcquire(db(), 'x', a)).toBe(true);
    expect(await tryAcquire(db(), 'x', b)).toBe(false);
    advance(900);
    expect(await renew(db(), 'x', a)).toBe(true);
    advance(900);
    expect(await tryAcquire(db(), 'x', b)).toBe(false);
    advance(101);
    expect(await orphans(db(), 'y', a.now())).toEqual([]);
    expect(await tryAcquire(db(), 'x', b)).toBe(true);
    // The stopped holder's renewal fails: it has lost the unit.
    expect(await renew(db(), 'x', a)).toBe(false);
  });

  it('a periodic pass holds its lease until the next is due; an orphaned unit is listed', async () => {
    const { a, b, advance } = clock();
    const start = a.now();
    await tryAcquire(db(), 'p', a);
    await finishPass(db(), 'p', 'a', new Date(start.getTime() + 60_000), a.now(), true);
    advance(59_999);
    expect(await tryAcquire(db(), 'p', b)).toBe(false);
    advance(1);
    expect(await tryAcquire(db(), 'p', b)).toBe(true);

    expect(await tryAcquire(db(), 'unit:7', a)).toBe(true);
    expect(await orphans(db(), 'unit', a.now())).toEqual([]);
    advance(1000);
    expect(await orphans(db(), 'unit', a.now())).toEqual(['7']);
  });

  it('withLease runs the work once, releases a one-off unit, and skips when another holds it', async () => {
    const { a, b } = clock();
    let ran = 0;
    const inner = await withLease(db, 'w:1', a, async () => {
      ran++;
      expect(await withLease(db, 'w:1', b, async () => void ran++)).toBe(false);
    });
    expect(inner).toBe(true);
    expect(ran).toBe(1);
    // Released: the next one takes it at once.
    expect(await withLease(db, 'w:1', b, async () => void ran++)).toBe(true);
    expect(ran).toBe(2);
  });

  it("the check of run_events' months ahead is a periodic job: one pass per period among processes", async () => {
    const { a, b, advance } = clock();
    // The lease clock is far ahead, so the months the pass makes are new; it is also the pass's clock.
    advance(Date.parse('2091-03-01T00:00:00Z') - a.now().getTime());
    const hour = 3_600_000;
    const done: string[] = [];
    // Counts each process's database calls: every tick of its loops makes some.
    const calls = { a: 0, b: 0 };
    const start = (lease: typeof a, k: 'a' | 'b') =>
      startJobs(
        () => {
          calls[k]++;
          return db();
        },
        {
          lease,
          checkEveryMs: 10,
          firstAfterMs: 0,
          retentionEveryMs: 0,
          partitionsEveryMs: hour,
          onDone: (name) => done.push(`${lease.holder} ${name}`),
        },
      );
    const stops = [start(a, 'a'), start(b, 'b')];
    const months = async () => (await listEventPartitions(db())).map((p) => p.name);
    const passes = async () =>
      (
        await queryRows<{ passes: number }>(
          db(),
          sql`select passes from job_leases where name = 'partitions'`,
        )
      )[0]?.passes;
    try {
      await waitFor('the first pass', async () => (await passes()) === 1);
      expect(await months()).toEqual(
        expect.arrayContaining(['run_events_p2091_03', 'run_events_p2091_04', 'run_events_p2091_05']),
      );
      expect(await months()).not.toContain('run_events_p2091_06');
      // Both processes keep checking within the period (several ticks each): nobody repeats the pass.
      const seen = { ...calls };
      await waitFor('several more ticks of each', () => calls.a > seen.a + 30 && calls.b > seen.b + 30);
      advance(hour - 1);
      const seen2 = { ...calls };
      await waitFor('several more ticks of each', () => calls.a > seen2.a + 30 && calls.b > seen2.b + 30);
      expect(done.filter((d) => d.endsWith(' partitions'))).toHaveLength(1);
      // The period over (and a month later on the clock): the next pass makes the next month.
      advance(31 * 24 * hour);
      await waitFor('the second pass', async () => (await passes()) === 2);
      expect(await months()).toContain('run_events_p2091_06');
      expect(done.filter((d) => d.endsWith(' partitions'))).toHaveLength(2);
    } finally {
      for (const stop of stops) stop();
    }
  });
});
