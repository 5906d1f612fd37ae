import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { getUsage, putQuota, recordRunUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { counterMismatches, ledgerTotal } from '../helpers/usage';

/** What appendEvents hands its usage hook (src/server/events/usage-hook.ts on the api branch). */
type AcceptedUsage = {
  projectId: string;
  runId: string;
  userId: string | null;
  events: { seq: number; inputTokens: number; outputTokens: number; model?: string; costUsd?: number }[];
};

/**
 * The body proposed for `onUsageEventsAccepted` (wired at merge): each newly stored `usage` event
 * counts against the run's userId, once per seq, inside the append's transaction.
 */
async function onUsageEventsAccepted(tx: DbOrTx, usage: AcceptedUsage): Promise<void> {
  for (const e of usage.events) {
    await recordRunUsage(tx, usage.projectId, {
      runId: usage.runId,
      userId: usage.userId,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      model: e.model,
      costUsd: e.costUsd,
      idempotencyKey: `run:${usage.runId}:usage:${e.seq}`,
    });
  }
}

describeEachDb('run usage hook (inside the append transaction)', ({ db }) => {
  it('counts a run’s tokens and cost against its user, past a hard limit, once per event', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { userId: 'user_01' });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    const usage: AcceptedUsage = {
      projectId: p.id,
      runId: run.id,
      userId: 'user_01',
      events: [
        { seq: 3, inputTokens: 40, outputTokens: 30, model: 'gpt-x', costUsd: 0.0021 },
        { seq: 7, inputTokens: 50, outputTokens: 10, model: 'gpt-x' },
      ],
    };
    // As appendEvents does: the run row is updated first, then the hook runs in the same transaction.
    const append = () =>
      db().transaction(async (tx) => {
        await tx.update(runs).set({ updatedAt: new Date() }).where(sql`${runs.id} = ${run.id}`);
        await onUsageEventsAccepted(tx, usage);
      });
    await append();
    // The work already happened: 130 tokens are counted past the hard 100.
    const { windows } = await getUsage(db(), p.id, { subject: 'user_01', metric: 'tokens' });
    expect(windows[0]).toMatchObject({ used: 130, remaining: 0 });
    expect(await ledgerTotal(db(), p.id, 'tokens')).toEqual({ total: 130, rows: 2 });
    expect(await ledgerTotal(db(), p.id, 'cost_micros')).toEqual({ total: 2100, rows: 1 });

    // A redelivered batch (same seqs) records nothing more.
    await append();
    expect(await ledgerTotal(db(), p.id, 'tokens')).toEqual({ total: 130, rows: 2 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('records nothing for a run without a user, and rolls back with the append', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await onUsageEventsAccepted(db(), {
      projectId: p.id,
      runId: run.id,
      userId: null,
      events: [{ seq: 0, inputTokens: 5, outputTokens: 5 }],
    });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });

    const failing = db().transaction(async (tx) => {
      await onUsageEventsAccepted(tx, {
        projectId: p.id,
        runId: run.id,
        userId: 'u2',
        events: [{ seq: 1, inputTokens: 5, outputTokens: 5 }],
      });
      throw new Error('append failed later');
    });
    await expect(failing).rejects.toThrow('append failed later');
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 0, rows: 0 });
  });
});
