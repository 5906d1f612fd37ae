import { beforeAll, expect, it } from 'vitest';
import { PUT as putQuota } from '@/app/api/v1/quotas/route';
import { POST as appendEvents } from '@/app/api/v1/runs/[id]/events/route';
import { POST as addResults } from '@/app/api/v1/runs/[id]/results/route';
import { PATCH as patchRun } from '@/app/api/v1/runs/[id]/route';
import { POST as createRun } from '@/app/api/v1/runs/route';
import { POST as recordUsage } from '@/app/api/v1/usage/route';
import { BOUNDS } from '@/lib/contract/bounds';
import { costPerDay, topUsersByCost } from '@/server/prices';
import { listRuns } from '@/server/runs';
import { listQuotas, quotaStatus, topSubjects, usageByModelPerDay, usageSeries } from '@/server/usage';
import { subjectUsage, usageMetrics } from '@/server/usage/dashboard';
import { bearer, callHandler, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

/** Every number in a value, however nested. */
function numbers(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(numbers);
  if (v && typeof v === 'object') return Object.values(v).flatMap(numbers);
  return [];
}

describeEachDb('numbers are bounded at the contract, and pages add up the largest ones', ({ db, driver }) => {
  let projectId: string;
  let auth: string;
  const call = (
    handler: Parameters<typeof callHandler>[0],
    path: string,
    method: string,
    body: unknown,
    params = {},
  ) => callHandler(handler, { path, auth, method, body, params });
  const newRun = async (body: Record<string, unknown>) => {
    const res = await call(createRun, '/api/v1/runs', 'POST', {
      name: 'max',
      userId: 'big',
      model: 'm',
      ...body,
    });
    return res;
  };
  const usageEvent = (seq: number, payload: Record<string, unknown>) => ({ seq, type: 'usage', payload });

  beforeAll(async () => {
    useApiHandlers(db, driver);
    projectId = (await makeProject(db(), 'bounds')).id;
    auth = await bearer(db(), projectId);
  });

  it('refuses a number past its bound with the contract error body, storing nothing', async () => {
    const run = (await (await newRun({})).json()).run;
    const refused: [string, Response][] = [
      ['run cost', await newRun({ costUsd: 1e308 })],
      ['run tokens', await newRun({ inputTokens: BOUNDS.runTokens + 1 })],
      [
        'patch cost',
        await call(patchRun, `/api/v1/runs/${run.id}`, 'PATCH', { costUsd: 1e308 }, { id: run.id }),
      ],
      [
        'event cost',
        await call(
          appendEvents,
          `/api/v1/runs/${run.id}/events`,
          'POST',
          {
            events: [usageEvent(0, { inputTokens: 1, outputTokens: 1, costUsd: BOUNDS.costUsd * 2 })],
          },
          { id: run.id },
        ),
      ],
      [
        'event tokens',
        await call(
          appendEvents,
          `/api/v1/runs/${run.id}/events`,
          'POST',
          {
            events: [usageEvent(0, { inputTokens: BOUNDS.callTokens + 1, outputTokens: 0 })],
          },
          { id: run.id },
        ),
      ],
      [
        'latency',
        await call(
          addResults,
          `/api/v1/runs/${run.id}/results`,
          'POST',
          {
            results: [
              {
                itemId: 'i',
                input: 1,
                latencyMs: 1e308,
                startedAt: '2026-01-01T00:00:00Z',
                completedAt: '2026-01-01T00:00:00Z',
              },
            ],
          },
          { id: run.id },
        ),
      ],
      [
        'usage amount',
        await call(recordUsage, '/api/v1/usage', 'POST', {
          subject: 's',
          metric: 'm',
          amount: BOUNDS.amount + 1,
        }),
      ],
      [
        'quota limit',
        await call(putQuota, '/api/v1/quotas', 'PUT', {
          subject: '*',
          metric: 'm',
          window: 'day',
          limit: 2 ** 60,
        }),
      ],
    ];
    for (const [what, res] of refused) {
      expect(res.status, what).toBe(400);
      expect((await res.json()).error.code, what).toBe('bad_request');
    }
    const [stored] = (await listRuns(db(), projectId, {}, { limit: 10 })).data;
    expect(stored).toMatchObject({ costUsd: 0, inputTokens: 0, eventCount: 0 });
  });

  it('the usage page reads every section with the largest accepted values stored several times', async () => {
    const max = {
      costUsd: BOUNDS.costUsd,
      inputTokens: BOUNDS.runTokens,
      outputTokens: BOUNDS.runTokens,
    };
    for (let i = 0; i < 4; i++) {
      const created = await newRun(max);
      expect(created.status).toBe(201);
      const { run } = await created.json();
      const patched = await call(
        patchRun,
        `/api/v1/runs/${run.id}`,
        'PATCH',
        { costUsd: BOUNDS.costUsd },
        { id: run.id },
      );
      expect(patched.status).toBe(200);
      const events = Array.from({ length: 5 }, (_, seq) =>
        usageEvent(seq, {
          inputTokens: BOUNDS.callTokens,
          outputTokens: BOUNDS.callTokens,
          cachedInputTokens: BOUNDS.callTokens,
          costUsd: BOUNDS.costUsd,
          model: 'm',
        }),
      );
      const appended = await call(
        appendEvents,
        `/api/v1/runs/${run.id}/events`,
        'POST',
        { events },
        { id: run.id },
      );
      expect(appended.status).toBe(200);
      const used = await call(recordUsage, '/api/v1/usage', 'POST', {
        subject: 'big',
        metric: 'units',
        amount: BOUNDS.amount,
      });
      expect(used.status).toBe(200);
    }
    for (const metric of ['units', 'tokens', 'cost_micros']) {
      const q = await call(putQuota, '/api/v1/quotas', 'PUT', {
        subject: '*',
        metric,
        window: 'month',
        limit: BOUNDS.quotaLimit,
        mode: 'soft',
      });
      expect(q.status).toBe(200);
    }

    const db0 = db();
    const from = new Date(Date.now() - 30 * 86_400_000);
    const metrics = await usageMetrics(db0, projectId, from);
    expect(metrics.sort()).toEqual(['cost_micros', 'tokens', 'units']);
    const sections: unknown[] = [
      await quotaStatus(db0, projectId),
      await subjectUsage(db0, projectId, 'big'),
      await costPerDay(db0, projectId, from, 'model'),
      await costPerDay(db0, projectId, from, 'user'),
      await topUsersByCost(db0, projectId, from),
      await usageSeries(db0, projectId, { metric: 'tokens', bucket: 'hour' }),
      await listQuotas(db0, projectId),
      await listRuns(db0, projectId, {}, { limit: 50 }),
    ];
    for (const metric of metrics) {
      sections.push(await usageByModelPerDay(db0, projectId, { metric, days: 30 }));
      for (const window of ['minute', 'hour', 'day', 'month'] as const) {
        sections.push(await topSubjects(db0, projectId, { metric, window, limit: 10 }));
      }
    }
    for (const n of numbers(sections)) expect(Number.isFinite(n)).toBe(true);
    // The sums are the stored values added up: per run, the PATCHed cost and its 5 events' costs.
    const top = await topUsersByCost(db0, projectId, from);
    expect(numbers(top)).toContain(4 * 6 * BOUNDS.costUsd);
  });
});
