import { expect, it } from 'vitest';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { getRunById } from '@/server/runs';
import { getUsage, putQuota } from '@/server/usage';
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
    expect(await appendEvents(db(), p.id, run.id, usageEvents)).toEqual({ accepted: 0, duplicates: 2 });
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
});
