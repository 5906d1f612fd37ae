import { expect, it } from 'vitest';
import { finishPass, orphans, renew, tryAcquire, withLease } from '@/server/jobs';
import { describeEachDb } from '../helpers/db';

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
});
