import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { quotas, type usageEvents } from '@/db/schema';
import { LEDGER_RETURNING, ledgerRollupsSql } from '../usage/rollups';
import type { DemoRun } from './stream';

/** The demo's quotas; the seeded usage puts user_02 above 80% and user_01 above 100% of the daily cost quota. */
export const DEMO_QUOTAS = [
  { subject: '*', metric: 'tokens', window: 'day', limit: 50_000, mode: 'hard' },
  { subject: '*', metric: 'requests', window: 'minute', limit: 60, mode: 'hard' },
  { subject: 'user_01', metric: 'tokens', window: 'day', limit: 200_000, mode: 'hard' },
  { subject: '*', metric: 'tokens', window: 'month', limit: 2_000_000, mode: 'soft' },
  { subject: '*', metric: 'cost_micros', window: 'day', limit: 1_000_000, mode: 'soft' },
] as const;

/**
 * The usage ledger of the demo runs (`requests` 1 per run when it started; `tokens` and `cost_micros`
 * from its usage event when it ended, subject = the run's user), then the counters of the current
 * minute/hour/day/month windows recomputed from that ledger, then the quotas.
 */
export async function writeDemoUsage(
  db: DbOrTx,
  projectId: string,
  demoRuns: DemoRun[],
  now: Date,
): Promise<number> {
  const rows: (typeof usageEvents.$inferInsert)[] = [];
  for (const { row, usage } of demoRuns) {
    if (!row.userId) continue;
    rows.push({
      projectId,
      subject: row.userId,
      metric: 'requests',
      amount: 1,
      runId: row.id,
      model: row.model ?? null,
      occurredAt: row.createdAt,
    });
    if (!usage) continue;
    rows.push({
      projectId,
      subject: usage.subject,
      metric: 'tokens',
      amount: usage.tokens,
      runId: row.id,
      model: usage.model,
      occurredAt: usage.at,
    });
    const micros = Math.round(usage.costUsd * 1e6);
    if (micros > 0) {
      rows.push({
        projectId,
        subject: usage.subject,
        metric: 'cost_micros',
        amount: micros,
        runId: row.id,
        model: usage.model,
        occurredAt: usage.at,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500) {
    const batch = JSON.stringify(rows.slice(i, i + 500));
    await db.execute(sql`with ins as (
        insert into usage_events (project_id, subject, metric, amount, run_id, model, occurred_at)
        select ${projectId}::uuid, x.subject, x.metric, x.amount, x."runId", x.model, x."occurredAt"
        from jsonb_to_recordset(${batch}::jsonb)
          as x(subject text, metric text, amount bigint, "runId" uuid, model text, "occurredAt" timestamptz)
        returning ${LEDGER_RETURNING}
      ), ${ledgerRollupsSql(projectId, 'ins')}
      select count(*) from ins`);
  }

  // Calendar windows in UTC; window_start = date_trunc of the window, as the usage domain keys them.
  await db.execute(sql`
    insert into usage_counters (project_id, subject, metric, period, window_start, used)
    select e.project_id, e.subject, e.metric, w.period::quota_window,
           date_trunc(w.period, ${now.toISOString()}::timestamptz at time zone 'UTC') at time zone 'UTC',
           sum(e.amount)
    from usage_events e
    cross join (values ('minute'), ('hour'), ('day'), ('month')) as w(period)
    where e.project_id = ${projectId}::uuid
      and e.occurred_at >= date_trunc(w.period, ${now.toISOString()}::timestamptz at time zone 'UTC') at time zone 'UTC'
      and e.occurred_at <= ${now.toISOString()}::timestamptz
    group by e.project_id, e.subject, e.metric, w.period
    on conflict (project_id, subject, metric, period, window_start) do update set used = excluded.used`);

  await db
    .insert(quotas)
    .values(DEMO_QUOTAS.map((q) => ({ projectId, ...q })))
    .onConflictDoNothing();
  return rows.length;
}
