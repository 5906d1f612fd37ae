import { expect, it } from 'vitest';
import {
  commitReservation,
  createReservation,
  getReservation,
  getUsage,
  putQuota,
  recordUsage,
  releaseReservation,
  sweepExpiredReservations,
} from '@/server/usage';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { counterMismatches, ledgerTotal } from '../../helpers/usage';

const now = new Date('2026-11-23T10:15:30.000Z');
const key = { subject: 'u', metric: 'tokens' };
const used = async (db: Parameters<typeof getUsage>[0], projectId: string, at = now) =>
  (await getUsage(db, projectId, key, { now: at })).windows.map((w) => w.used);

describeEachDb('usage reservations', ({ db }) => {
  it('holds capacity against every window at once and refuses past a hard limit', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'minute', limit: 100 });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 150 });
    const r = await createReservation(db(), p.id, { ...key, amount: 80 }, { now });
    expect(r.reservation).toMatchObject({
      status: 'held',
      amount: 80,
      committedAmount: null,
      expiresAt: '2026-11-23T10:25:30.000Z',
    });
    expect(r.windows.map((w) => [w.window, w.used, w.remaining])).toEqual([
      ['minute', 80, 20],
      ['day', 80, 70],
    ]);
    await expect(createReservation(db(), p.id, { ...key, amount: 30 }, { now })).rejects.toMatchObject({
      code: 'quota_exceeded',
      details: { blockedBy: ['minute'] },
    });
    await expect(recordUsage(db(), p.id, { ...key, amount: 21 }, { now })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('commits less than held: the actual amount is recorded and the rest released', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const { reservation } = await createReservation(
      db(),
      p.id,
      { ...key, amount: 60, runId: run.id },
      { now },
    );
    const later = new Date(now.getTime() + 5000);
    const c = await commitReservation(db(), p.id, reservation.id, { amount: 25 }, { now: later });
    expect(c).toMatchObject({
      overrunBy: 0,
      late: false,
      reservation: {
        status: 'committed',
        committedAmount: 25,
        settledAt: later.toISOString(),
        runId: run.id,
      },
      windows: [{ window: 'day', used: 25, remaining: 75 }],
    });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 25, rows: 1 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('commits more than held: recorded in full past the limit, with the overrun', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    await recordUsage(db(), p.id, { ...key, amount: 50 }, { now });
    const { reservation } = await createReservation(db(), p.id, { ...key, amount: 40 }, { now });
    const c = await commitReservation(db(), p.id, reservation.id, { amount: 70 }, { now });
    expect(c).toMatchObject({ overrunBy: 30, windows: [{ used: 120, remaining: 0 }] });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 120, rows: 2 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('releases a hold, and answers 409 to a second commit or release', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const a = await createReservation(db(), p.id, { ...key, amount: 90 }, { now });
    const released = await releaseReservation(db(), p.id, a.reservation.id, { now });
    expect(released.reservation.status).toBe('released');
    expect(released.windows[0]!.used).toBe(0);
    await expect(releaseReservation(db(), p.id, a.reservation.id, { now })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      commitReservation(db(), p.id, a.reservation.id, { amount: 1 }, { now }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    const b = await createReservation(db(), p.id, { ...key, amount: 90 }, { now });
    await commitReservation(db(), p.id, b.reservation.id, { amount: 0 }, { now });
    await expect(
      commitReservation(db(), p.id, b.reservation.id, { amount: 0 }, { now }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(releaseReservation(db(), p.id, b.reservation.id, { now })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await used(db(), p.id)).toEqual([0]);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });
    // Another project cannot see or settle it.
    const other = await makeProject(db());
    await expect(getReservation(db(), other.id, b.reservation.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(releaseReservation(db(), other.id, a.reservation.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('stops holding capacity once expired (1-second ttl)', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    await createReservation(db(), p.id, { ...key, amount: 100, ttlSeconds: 1 }, { now });
    const justBefore = new Date(now.getTime() + 999);
    await expect(recordUsage(db(), p.id, { ...key, amount: 1 }, { now: justBefore })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    const expired = new Date(now.getTime() + 1100);
    expect((await recordUsage(db(), p.id, { ...key, amount: 30 }, { now: expired })).windows[0]!.used).toBe(
      30,
    );
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('is released by getUsage and by the sweep, and a late commit is recorded as usage now', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'hour', limit: 100 });
    const a = await createReservation(db(), p.id, { ...key, amount: 70, ttlSeconds: 60 }, { now });
    const b = await createReservation(
      db(),
      p.id,
      { subject: 'v', metric: 'tokens', amount: 50, ttlSeconds: 60 },
      { now },
    );
    const after = new Date(now.getTime() + 61_000);
    expect(await used(db(), p.id, after)).toEqual([0]);
    expect(await getReservation(db(), p.id, a.reservation.id)).toMatchObject({ status: 'expired' });
    expect(await sweepExpiredReservations(db(), p.id, { now: after })).toBe(1);
    expect(await getReservation(db(), p.id, b.reservation.id)).toMatchObject({ status: 'expired' });
    expect(await sweepExpiredReservations(db(), p.id, { now: after })).toBe(0);
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    const late = await commitReservation(db(), p.id, a.reservation.id, { amount: 40 }, { now: after });
    expect(late).toMatchObject({
      late: true,
      overrunBy: 0,
      reservation: { status: 'committed', committedAmount: 40 },
    });
    expect(late.windows[0]!.used).toBe(40);
    // A late commit is never refused: the work already happened.
    await recordUsage(db(), p.id, { ...key, amount: 50 }, { now: after });
    const c = await createReservation(db(), p.id, { ...key, amount: 1, ttlSeconds: 1 }, { now: after });
    await releaseReservation(db(), p.id, c.reservation.id, { now: after });
    const d = await createReservation(
      db(),
      p.id,
      { subject: 'v', metric: 'tokens', amount: 100, ttlSeconds: 1 },
      {
        now: after,
      },
    );
    const lateBig = await commitReservation(
      db(),
      p.id,
      d.reservation.id,
      { amount: 150 },
      {
        now: new Date(after.getTime() + 2000),
      },
    );
    expect(lateBig).toMatchObject({ late: true, overrunBy: 50, windows: [{ used: 150 }] });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 240, rows: 3 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('returns the stored reservation for the same idempotency key, also concurrently', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const body = { ...key, amount: 30, idempotencyKey: 'res-1' };
    const all = await Promise.all(
      Array.from({ length: 6 }, () => createReservation(db(), p.id, body, { now })),
    );
    expect(new Set(all.map((r) => r.reservation.id)).size).toBe(1);
    expect(all.filter((r) => r.created)).toHaveLength(1);
    expect(await used(db(), p.id)).toEqual([30]);
    const again = await createReservation(db(), p.id, body, { now });
    expect(again).toMatchObject({
      created: false,
      reservation: { id: all[0]!.reservation.id, status: 'held' },
    });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });
});
