import 'server-only';
import { type SQL, sql } from 'drizzle-orm';

/**
 * The columns a ledger insert RETURNs for ledgerRollupsSql: every statement that inserts into
 * usage_events names them in its RETURNING (ledger-writes.test.ts holds every such statement to it).
 */
export const LEDGER_RETURNING = sql.raw('subject, metric, amount, model, occurred_at');

/**
 * The rollups of the ledger rows a statement inserts, as two WITH items that follow its insert (the
 * item `from`, RETURNING LEDGER_RETURNING, all rows of the project `projectId`): each (metric, UTC day,
 * subject, model) sum is added to usage_daily and each (metric, UTC hour, subject) sum to usage_hourly,
 * in the same statement as the rows (so in their transaction, by the project's value: one shard on a
 * distributed database). Grouped first (an upsert may touch a row once) and sorted, so concurrent
 * writers take the rollup rows' locks in one order; ON CONFLICT adds to the latest committed total,
 * so concurrent writers never lose each other's amounts. The items are named `<from>_daily`, `<from>_hourly`.
 */
export function ledgerRollupsSql(projectId: string, from: string): SQL {
  const src = sql.raw(from);
  return sql`${sql.raw(`${from}_daily`)} as (
      insert into usage_daily as d (project_id, metric, day, subject, model, total)
      select ${projectId}::uuid, metric, date_trunc('day', occurred_at, 'UTC'), subject, coalesce(model, ''), sum(amount)
      from ${src}
      group by 2, 3, 4, 5
      order by 2, 3, 4, 5
      on conflict (project_id, metric, day, subject, model) do update set total = d.total + excluded.total
      returning 1
    ),
    ${sql.raw(`${from}_hourly`)} as (
      insert into usage_hourly as h (project_id, metric, hour, subject, total)
      select ${projectId}::uuid, metric, date_trunc('hour', occurred_at, 'UTC'), subject, sum(amount)
      from ${src}
      group by 2, 3, 4
      order by 2, 3, 4
      on conflict (project_id, metric, hour, subject) do update set total = h.total + excluded.total
      returning 1
    )`;
}
