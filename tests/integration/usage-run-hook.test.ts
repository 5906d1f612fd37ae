import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { upsertPrice } from '@/server/prices';
import { getRunById } from '@/server/runs';
import { getUsage, putQuota, recordRunUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { counterMismatches, ledgerTotal } from '../helpers/usage';

const usageEvents: EventInput[] = [
  { seq: 3, type: 'usage', payload: { inputTokens: 40, outputTokens: 30, model: 'gpt-x', costUsd: 0.0021 } },
  { seq: 7, type: 'usage', payload: { inputTokens: 50, outputTokens: 10, model: 'gpt-x' } },
];

describeEachDb('usage events count against the run user', ({ db }) => {
  it('counts tokens and cost against the user past a hard limit, once per event seq', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { userId: 'user_01' });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    await appendEvents(db(), p.id, run.id, [
      { seq: 0, type: 'text-delta', payload: { delta: 'hi' } },
      ...usageEvents,
    ]);
    // The work already happened: 130 tokens are counted past the hard 100.
    const { windows } = await getUsage(db(), p.id, { subject: 'user_01', metric: 'tokens' });
    expect(windows[0]).toMatchObject({ used: 130, remaining: 0 });
    expect(await ledgerTotal(db(), p.id, 'tokens')).toEqual({ total: 130, rows: 2 });
    expect(await ledgerTotal(db(), p.id, 'cost_micros')).toEqual({ total: 2100, rows: 1 });
    expect(await getRunById(db(), p.id, run.id)).toMatchObject({
      inputTokens: 90,
      outputTokens: 40,
      totalTokens: 130,
    });

    // A retried batch is all duplicates: nothing more is recorded.
    expect(await appendEvents(db(), p.id, run.id, usageEvents)).toEqual({
      accepted: 0,
      duplicates: 2,
      eventCount: null,
    });
    expect(await ledgerTotal(db(), p.id, 'tokens')).toEqual({ total: 130, rows: 2 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('records nothing for a run without a user, nor for a refused batch', async () => {
    const p = await makeProject(db());
    const anonymous = await makeRun(db(), p.id);
    await appendEvents(db(), p.id, anonymous.id, usageEvents);
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });

    const run = await makeRun(db(), p.id, { userId: 'u2' });
    await appendEvents(db(), p.id, run.id, [{ seq: 1, type: 'text-delta', payload: { delta: 'a' } }]);
    // A clashing seq refuses the whole batch: its usage event must not reach the ledger either.
    const clash = [usageEvents[0]!, { seq: 1, type: 'text-delta', payload: { delta: 'changed' } }];
    await expect(appendEvents(db(), p.id, run.id, clash)).rejects.toMatchObject({ code: 'conflict' });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });
  });

  it('writes the ledger in one batch equal to what recording each event wrote', async () => {
    const events: EventInput[] = [
      ...usageEvents,
      { seq: 8, type: 'usage', payload: { inputTokens: 0, outputTokens: 0 } },
      { seq: 9, type: 'usage', payload: { inputTokens: 1000, outputTokens: 500, model: 'gpt-y' } },
      { seq: 10, type: 'usage', payload: { inputTokens: 7, outputTokens: 1, costUsd: 0 } },
    ];
    const prices = { inputPerMillion: 2, outputPerMillion: 10, effectiveFrom: '2026-01-01' };
    const setUp = async () => {
      const p = await makeProject(db());
      await upsertPrice(db(), p.id, { model: 'gpt-x', ...prices });
      await upsertPrice(db(), p.id, { model: 'gpt-y', ...prices });
      await putQuota(db(), p.id, { subject: 'user_01', metric: 'tokens', window: 'hour', limit: 10 });
      return { p, run: await makeRun(db(), p.id, { userId: 'user_01', model: 'gpt-x' }) };
    };
    const batched = await setUp();
    await appendEvents(db(), batched.p.id, batched.run.id, events);
    // The path before batching: recordRunUsage per event, with the cost the append priced.
    const single = await setUp();
    for (const e of events) {
      const u = e.payload as { inputTokens: number; outputTokens: number; model?: string; costUsd?: number };
      const cost = u.costUsd ?? ((u.inputTokens * 2 + u.outputTokens * 10) / 1_000_000 || undefined);
      await recordRunUsage(db(), single.p.id, {
        runId: single.run.id,
        userId: 'user_01',
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
        model: u.model,
        costUsd: cost,
        idempotencyKey: `run:${single.run.id}:usage:${e.seq}`,
      });
    }
    const ledger = (projectId: string, runId: string) =>
      queryRows<Record<string, unknown>>(
        db(),
        sql`select subject, metric, amount::float8 as amount, model, replace(idempotency_key, ${runId}, 'R') as key
            from usage_events where project_id = ${projectId}::uuid order by key`,
      );
    const counters = (projectId: string) =>
      queryRows<Record<string, unknown>>(
        db(),
        sql`select subject, metric, period::text, used::float8 as used from usage_counters
            where project_id = ${projectId}::uuid order by 1, 2, 3`,
      );
    const want = await ledger(single.p.id, single.run.id);
    expect(want.length).toBe(7);
    expect(await ledger(batched.p.id, batched.run.id)).toEqual(want);
    expect(await counters(batched.p.id)).toEqual(await counters(single.p.id));
    expect(await counterMismatches(db(), batched.p.id)).toEqual([]);
  });
});
