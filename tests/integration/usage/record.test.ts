import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { AppError } from '@/server/errors';
import { getUsage, putQuota, recordRunUsage, recordUsage } from '@/server/usage';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { counterMismatches, ledgerTotal } from '../../helpers/usage';

const now = new Date('2026-11-23T10:15:30.000Z');

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describeEachDb('usage recording', ({ db }) => {
  it('takes amounts up to a hard limit, then answers 429 with the windows and headers', async () => {
    const p = await makeProject(db());
    const q = await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 10 });
    const first = await recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 6 }, { now });
    expect(first).toEqual({
      allowed: true,
      windows: [
        {
          window: 'day',
          limit: 10,
          used: 6,
          remaining: 4,
          resetAt: '2026-11-24T00:00:00.000Z',
          mode: 'hard',
          quotaId: q.id,
          subject: '*',
        },
      ],
    });
    await recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 4 }, { now });
    const err = await rejection(
      recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 1 }, { now }),
    );
    expect(err.code).toBe('quota_exceeded');
    expect(err.status).toBe(429);
    expect(err.details).toMatchObject({
      windows: [{ window: 'day', limit: 10, used: 10, remaining: 0 }],
      blockedBy: ['day'],
    });
    const secondsToMidnight = String(13 * 3600 + 44 * 60 + 30);
    expect(err.headers).toEqual({
      'Retry-After': secondsToMidnight,
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': secondsToMidnight,
    });
    // Each subject has its own `*` window.
    await recordUsage(db(), p.id, { subject: 'u2', metric: 'tokens', amount: 10 }, { now });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 20, rows: 3 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('lets a subject quota override `*` for the same metric and window', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'hour', limit: 5 });
    const vip = await putQuota(db(), p.id, { subject: 'vip', metric: 'tokens', window: 'hour', limit: 50 });
    const ok = await recordUsage(db(), p.id, { subject: 'vip', metric: 'tokens', amount: 30 }, { now });
    expect(ok.windows).toEqual([expect.objectContaining({ quotaId: vip.id, subject: 'vip', used: 30 })]);
    await expect(
      recordUsage(db(), p.id, { subject: 'other', metric: 'tokens', amount: 6 }, { now }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
    // Another metric is not limited at all and keeps no counters.
    expect(
      await recordUsage(db(), p.id, { subject: 'other', metric: 'requests', amount: 99 }, { now }),
    ).toEqual({
      allowed: true,
      windows: [],
    });
  });

  it('is all or nothing across windows: one refusing window records nothing anywhere', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'minute', limit: 10 });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'hour', limit: 15 });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    await recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 8 }, { now });
    const err = await rejection(
      recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 3 }, { now }),
    );
    expect(err.details).toMatchObject({
      blockedBy: ['minute'],
      windows: [
        { window: 'minute', used: 8, remaining: 2 },
        { window: 'hour', used: 8, remaining: 7 },
        { window: 'day', used: 8, remaining: 92 },
      ],
    });
    expect(err.headers).toMatchObject({
      'Retry-After': '30',
      'RateLimit-Remaining': '2',
      'RateLimit-Limit': '10',
    });
    const usage = await getUsage(db(), p.id, { subject: 'u', metric: 'tokens' }, { now });
    expect(usage.windows.map((w) => w.used)).toEqual([8, 8, 8]);
    // The next minute has room again, until the hour refuses: both windows blocked, Retry-After is the earliest.
    const later = new Date('2026-11-23T10:16:10.000Z');
    await recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 7 }, { now: later });
    const both = await rejection(
      recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 10 }, { now: later }),
    );
    expect(both.details).toMatchObject({ blockedBy: ['minute', 'hour'] });
    expect(both.headers).toMatchObject({
      'Retry-After': '50',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '2630',
    });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 15, rows: 2 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('never blocks on a soft quota but reports it', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 10, mode: 'soft' });
    const r = await recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 25 }, { now });
    expect(r.windows).toEqual([expect.objectContaining({ mode: 'soft', used: 25, remaining: 0, limit: 10 })]);
    await recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 5 }, { now });
    expect((await getUsage(db(), p.id, { subject: 'u', metric: 'tokens' }, { now })).windows[0]!.used).toBe(
      30,
    );
  });

  it('refuses an amount larger than a limit even in a fresh window', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 10 });
    await expect(
      recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 11 }, { now }),
    ).rejects.toMatchObject({ code: 'quota_exceeded', details: { windows: [{ used: 0, remaining: 10 }] } });
    await putQuota(db(), p.id, { subject: 'z', metric: 'tokens', window: 'day', limit: 0 });
    await expect(
      recordUsage(db(), p.id, { subject: 'z', metric: 'tokens', amount: 1 }, { now }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });
  });

  it('replays the first answer for the same idempotency key and records once', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const body = { subject: 'u', metric: 'tokens', amount: 10, idempotencyKey: 'k1' };
    const first = await recordUsage(db(), p.id, body, { now });
    await recordUsage(db(), p.id, { subject: 'u', metric: 'tokens', amount: 5 }, { now });
    expect(await recordUsage(db(), p.id, body, { now })).toEqual(first);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 15, rows: 2 });
    // The key belongs to the project: another project records its own.
    const other = await makeProject(db());
    await recordUsage(db(), other.id, body, { now });
    expect(await ledgerTotal(db(), other.id)).toEqual({ total: 10, rows: 1 });
  });

  it('stores nothing for a 429, so a retry with the same key tries again', async () => {
    const p = await makeProject(db());
    const q = await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 5 });
    const body = { subject: 'u', metric: 'tokens', amount: 10, idempotencyKey: 'big' };
    await expect(recordUsage(db(), p.id, body, { now })).rejects.toMatchObject({ code: 'quota_exceeded' });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 50 });
    expect(await recordUsage(db(), p.id, body, { now })).toMatchObject({
      allowed: true,
      windows: [{ quotaId: q.id, used: 10 }],
    });
  });

  it('keeps concurrent retries with one key to one ledger row and one answer', async () => {
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 1000 });
    const body = { subject: 'u', metric: 'tokens', amount: 7, idempotencyKey: 'race' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => recordUsage(db(), p.id, body, { now })),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]!.windows[0]!.used).toBe(7);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 7, rows: 1 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('checks that a runId belongs to the project', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const run = await makeRun(db(), a.id);
    await recordUsage(db(), a.id, { subject: 'u', metric: 'tokens', amount: 1, runId: run.id, model: 'm' });
    await expect(
      recordUsage(db(), b.id, { subject: 'u', metric: 'tokens', amount: 1, runId: run.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      recordUsage(db(), a.id, { subject: 'u', metric: 'tokens', amount: 1, runId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await ledgerTotal(db(), b.id)).toEqual({ total: 0, rows: 0 });
  });

  it("records a run's tokens and cost against its user, past a hard limit, once per key", async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { userId: 'alice', model: 'gpt-x' });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const input = {
      runId: run.id,
      userId: 'alice',
      inputTokens: 80,
      outputTokens: 70,
      model: 'gpt-x',
      costUsd: 0.0123,
      idempotencyKey: `run:${run.id}:usage:3`,
    };
    const r = await recordRunUsage(db(), p.id, input, { now });
    expect(r.tokens!.windows).toEqual([expect.objectContaining({ used: 150, remaining: 0, limit: 100 })]);
    expect(r.costMicros).toMatchObject({ allowed: true, windows: [] });
    await recordRunUsage(db(), p.id, input, { now });
    expect(await ledgerTotal(db(), p.id, 'tokens')).toEqual({ total: 150, rows: 1 });
    expect(await ledgerTotal(db(), p.id, 'cost_micros')).toEqual({ total: 12300, rows: 1 });
    expect(await recordRunUsage(db(), p.id, { ...input, userId: null })).toEqual({
      tokens: null,
      costMicros: null,
    });
    // The user is now over the hard limit for new work.
    await expect(
      recordUsage(db(), p.id, { subject: 'alice', metric: 'tokens', amount: 1 }, { now }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
  });
});
