/**
 * Usage page benchmark: the /usage page's reads (the real domain functions, run as the page runs them:
 * the metric list, then every section in parallel, the cost section included) over 2,000,000 ledger
 * rows (30 days, 1000 subjects, 3 metrics, 4 models), 864,000 counter rows and 330,000 runs with a cost
 * (BENCH_USAGE_RUNS), beside the same reads written by hand with postgres.js (rollups: usage_daily,
 * usage_hourly, run_cost_daily), and beside the ledger and runs scans the page ran before the rollups.
 *
 *   npx tsx --conditions=react-server bench/usage.ts
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { windowStart } from '@/lib/windows';
import { costPerDay, topUsersByCost } from '@/server/prices';
import { listQuotas, quotaStatus, topSubjects, usageByModelPerDay, usageSeries } from '@/server/usage';
import { subjectUsage, usageMetrics } from '@/server/usage/dashboard';
import { freshBenchDatabase } from './lib/server';
import { pct } from './lib/stats';

const LEDGER_ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 2_000_000);
/** Runs with a cost in the last 30 days (the cost section reads them): 1M runs over 90 days' density. */
const COST_RUNS = Number(process.env.BENCH_USAGE_RUNS ?? 330_000);
const SUBJECTS = 1000;
const P = '00000000-0000-4000-8000-0000000000aa';
const REPEAT = 15;
const TARGET_MS = 300;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * The fill as the figures assume it: costed runs and ledger rows spread over the 30 days (the run's
 * time is a hash of its row number: a `random()` in a LATERAL that does not reference the series is
 * evaluated once, and gave every run the same timestamp), so the cost rollup has a row per day, model
 * and user it would have in use.
 */
async function checkFill(sql: postgres.Sql) {
  const [c] = await sql<
    { runs: number; times: number; days: number; ledgerDays: number; costRows: number }[]
  >`
    select count(*)::int as runs, count(distinct created_at)::int as times,
      count(distinct date_trunc('day', created_at, 'UTC'))::int as days,
      (select count(distinct date_trunc('day', occurred_at, 'UTC')) from usage_events where project_id = ${P})::int
        as "ledgerDays",
      (select count(*) from run_cost_daily where project_id = ${P})::int as "costRows"
    from runs where project_id = ${P}`;
  const r = c!;
  console.log(
    `fill check: ${r.runs.toLocaleString()} costed runs at ${r.times.toLocaleString()} distinct times over ${r.days} days, ledger over ${r.ledgerDays} days, ${r.costRows.toLocaleString()} run_cost_daily rows`,
  );
  if (r.times < r.runs * 0.9 || r.days < 30 || r.ledgerDays < 30) {
    throw new Error('the usage fill is not spread over time (see the fill check above)');
  }
}

export async function fill(sql: postgres.Sql) {
  const t0 = performance.now();
  await sql`insert into projects (id, slug, name) values (${P}, 'usage-bench', 'Usage bench')`;
  await sql`insert into quotas (project_id, subject, metric, period, limit_value, mode) values
    (${P}, '*', 'tokens', 'hour', 1000000, 'hard'), (${P}, '*', 'tokens', 'day', 5000000, 'hard'),
    (${P}, '*', 'requests', 'minute', 100, 'hard'), (${P}, 'user_0042', 'tokens', 'day', 9000000, 'soft'),
    (${P}, '*', 'cost_micros', 'month', 50000000, 'soft')`;
  // Last month's ledger partition (the migrations make this month and the next ones), as the server's
  // check would have made it: the fill then sits in its months, not in the default partition.
  await sql`select usage_events_ensure_partition(now() - interval '31 days')`;
  // The ledger, then its rollups (usage_daily, usage_hourly) from it, as the app's inserts keep them.
  await sql`insert into usage_events (project_id, subject, metric, amount, model, occurred_at)
    select ${P}::uuid, 'user_' || lpad((g % ${SUBJECTS})::text, 4, '0'),
      (array['tokens','requests','cost_micros'])[1 + g % 3],
      case g % 3 when 0 then 200 + g % 1800 when 1 then 1 else 300 + g % 5000 end,
      (array['gpt-4o-mini','claude-sonnet-4','gemini-2.5-flash','gpt-4.1'])[1 + (g / 3) % 4],
      now() - (random() * interval '30 days')
    from generate_series(1, ${LEDGER_ROWS}) g`;
  await sql`insert into usage_daily (project_id, metric, day, subject, model, total)
    select project_id, metric, date_trunc('day', occurred_at, 'UTC'), subject, coalesce(model, ''), sum(amount)
    from usage_events where project_id = ${P}::uuid group by 1, 2, 3, 4, 5`;
  await sql`insert into usage_hourly (project_id, metric, hour, subject, total)
    select project_id, metric, date_trunc('hour', occurred_at, 'UTC'), subject, sum(amount)
    from usage_events where project_id = ${P}::uuid group by 1, 2, 3, 4`;
  // Counters: 720 past hours x 1000 subjects, 30 days, 114 minutes: 864,000 rows, as quotas leave them.
  await sql`insert into usage_counters (project_id, subject, metric, period, window_start, used)
    select ${P}::uuid, 'user_' || lpad(s::text, 4, '0'), 'tokens', 'hour',
      date_trunc('hour', now()) - h * interval '1 hour', 1000 + (s * h) % 9000
    from generate_series(0, 719) h, generate_series(0, ${SUBJECTS - 1}) s`;
  await sql`insert into usage_counters (project_id, subject, metric, period, window_start, used)
    select ${P}::uuid, 'user_' || lpad(s::text, 4, '0'), 'tokens', 'day',
      date_trunc('day', now()) - d * interval '1 day', 20000 + (s * d) % 90000
    from generate_series(0, 29) d, generate_series(0, ${SUBJECTS - 1}) s`;
  await sql`insert into usage_counters (project_id, subject, metric, period, window_start, used)
    select ${P}::uuid, 'user_' || lpad(s::text, 4, '0'), 'requests', 'minute',
      date_trunc('minute', now()) - m * interval '1 minute', 1 + (s * m) % 90
    from generate_series(0, 113) m, generate_series(0, ${SUBJECTS - 1}) s`;
  // Runs with a cost, over the last 30 days (indexes rebuilt after the insert, as bench/history does).
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes where tablename = 'runs' and indexdef not like 'CREATE UNIQUE %'`;
  for (const i of indexes) await sql.unsafe(`drop index ${i.name}`);
  await sql`insert into runs (project_id, name, status, user_id, model, created_at, started_at, updated_at,
      input_tokens, output_tokens, total_tokens, cost_usd, cost_source)
    select ${P}::uuid, 'Run #' || g, 'succeeded', 'user_' || lpad((g % ${SUBJECTS})::text, 4, '0'),
      (array['gpt-4o-mini','claude-sonnet-4','gemini-2.5-flash','gpt-4.1'])[1 + g % 4], t.at, t.at, t.at,
      500, 200, 700, 0.0001 * (1 + g % 50), 'price'
    from generate_series(1, ${COST_RUNS}) g
    cross join lateral (select now() - ((g::bigint * 2654435761) % 2592000000) * interval '1 millisecond' as at) t`;
  await sql`set maintenance_work_mem = '256MB'`;
  for (const i of indexes) await sql.unsafe(i.def);
  await sql`vacuum analyze`;
  await checkFill(sql);
  const [c] = await sql<{ ledger: number; counters: number; daily: number; hourly: number; runs: number }[]>`
    select (select count(*) from usage_events)::int as ledger, (select count(*) from usage_counters)::int as counters,
           (select count(*) from usage_daily)::int as daily, (select count(*) from usage_hourly)::int as hourly,
           (select count(*) from runs)::int as runs`;
  console.log(
    `usage: ${c!.ledger.toLocaleString()} ledger rows, ${c!.counters.toLocaleString()} counter rows, ${c!.daily.toLocaleString()} daily and ${c!.hourly.toLocaleString()} hourly rollup rows, ${c!.runs.toLocaleString()} runs with a cost; filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

export async function main() {
  const database = await freshBenchDatabase('usage');
  const sql = postgres(database.url, { max: 8, onnotice: () => {} });
  const conn = connectPostgres(database.url, 10);
  const { db } = conn;
  try {
    await fill(sql);
    const since = new Date(Date.now() - 31 * 86_400_000);
    const costFrom = new Date(Date.now() - 29 * 86_400_000);
    const costDay = windowStart('day', costFrom).toISOString();
    const page = async (opts: { topWindow?: 'day' | 'month' | 'hour'; subject?: string }) => {
      const metrics = await usageMetrics(db, P, since);
      await Promise.all([
        quotaStatus(db, P),
        ...metrics.slice(0, 6).map((metric) => usageByModelPerDay(db, P, { metric, days: 30 })),
        usageSeries(db, P, { metric: 'tokens', bucket: 'hour' }),
        topSubjects(db, P, { metric: metrics[0]!, window: opts.topWindow ?? 'day', limit: 10 }),
        listQuotas(db, P),
        opts.subject ? subjectUsage(db, P, opts.subject) : null,
        costPerDay(db, P, costFrom, 'model'),
        costPerDay(db, P, costFrom, 'user'),
        topUsersByCost(db, P, costFrom),
      ]);
    };
    const day0 = windowStart('day', new Date(Date.now() - 29 * 86_400_000)).toISOString();
    const month0 = windowStart('month', new Date()).toISOString();
    const today = windowStart('day', new Date()).toISOString();
    // The same reads by hand (rollup, counters index), in parallel as the page issues them.
    const raw = (top: string) =>
      Promise.all([
        sql`select distinct metric from usage_daily where project_id = ${P} and day >= ${day0}`,
        sql`select q.id, (select max(used) from usage_counters uc where uc.project_id = q.project_id
              and uc.metric = q.metric and uc.period = q.period
              and uc.window_start = date_trunc(q.period::text, now(), 'UTC')) from quotas q where q.project_id = ${P}`,
        ...['tokens', 'requests', 'cost_micros'].map(
          (m) => sql`select day, model, sum(total) from usage_daily
            where project_id = ${P} and metric = ${m} and day >= ${day0} group by 1, 2`,
        ),
        sql`select hour, sum(total) from usage_hourly
            where project_id = ${P} and metric = 'tokens' and hour >= now() - interval '48 hours' group by 1`,
        sql`select subject, sum(total) from usage_daily where project_id = ${P} and metric = 'tokens'
            and day >= ${top} group by 1 order by 2 desc limit 10`,
        ...['model', 'user_id'].map(
          (k) => sql`select day, ${sql(k)}, sum(usd) from run_cost_daily
            where project_id = ${P} and day >= ${costDay} and runs > 0 group by 1, 2`,
        ),
        sql`select user_id, sum(usd), sum(runs) from run_cost_daily where project_id = ${P}
            and day >= ${costDay} and user_id <> '' and runs > 0 group by 1 order by 2 desc limit 10`,
      ]);
    // What the page ran before the rollups: the same reads over the ledger, one after another.
    const before = async () => {
      await sql`select distinct metric from usage_events where project_id = ${P} and occurred_at >= ${since.toISOString()}`;
      for (const m of ['tokens', 'requests', 'cost_micros'])
        await sql`select date_trunc('day', occurred_at, 'UTC'), model, sum(amount) from usage_events
          where project_id = ${P} and metric = ${m} and occurred_at >= ${day0} group by 1, 2`;
      await sql`select subject, sum(amount) from usage_events where project_id = ${P} and metric = 'tokens'
          and occurred_at >= ${month0} group by 1 order by 2 desc limit 10`;
      // The cost section read the runs (three scans of the last 30 days).
      for (const k of ['model', 'user_id'])
        await sql`select date_trunc('day', coalesce(started_at, created_at), 'UTC'), ${sql(k)}, sum(cost_usd)
          from runs where project_id = ${P} and created_at >= ${costFrom.toISOString()} and cost_usd > 0 group by 1, 2`;
      await sql`select user_id, sum(cost_usd), count(*) from runs where project_id = ${P}
          and created_at >= ${costFrom.toISOString()} and user_id is not null and cost_usd > 0
          group by 1 order by 2 desc limit 10`;
    };
    const views: { name: string; fn: () => Promise<unknown>; raw: () => Promise<unknown> }[] = [
      { name: '/usage (top subjects: today)', fn: () => page({}), raw: () => raw(today) },
      { name: '/usage?topWindow=month', fn: () => page({ topWindow: 'month' }), raw: () => raw(month0) },
      { name: '/usage?topWindow=hour', fn: () => page({ topWindow: 'hour' }), raw: () => raw(today) },
      { name: '/usage?subject=user_0042', fn: () => page({ subject: 'user_0042' }), raw: () => raw(today) },
    ];
    console.log(`\nserver time of the page's reads, ${REPEAT} runs each (target < ${TARGET_MS} ms)`);
    console.log(
      `${'view'.padEnd(30)} ${'page p50/p95'.padStart(16)} ${'raw SQL p50'.padStart(12)} ${'ratio'.padStart(6)}`,
    );
    // Every view once before any is timed: the first reads after the fill (and its checkpoint) pay for
    // the buffers, which would count against whichever view is timed first.
    for (const v of views) await Promise.all([v.fn(), v.raw()]);
    for (const v of views) {
      const d = await time(v.fn);
      const r = await time(v.raw);
      console.log(
        `${v.name.padEnd(30)} ${`${pct(d, 50).toFixed(0)}/${pct(d, 95).toFixed(0)} ms`.padStart(16)} ${`${pct(r, 50).toFixed(0)} ms`.padStart(12)} ${(pct(d, 50) / pct(r, 50)).toFixed(2).padStart(6)}`,
      );
    }
    const b0 = performance.now();
    await before();
    console.log(
      `before (ledger and runs scans, sequential, month view): ${(performance.now() - b0).toFixed(0)} ms`,
    );
    for (const [name, fn] of [
      ['quotaStatus', () => quotaStatus(db, P)],
      ['usageMetrics', () => usageMetrics(db, P, since)],
      ['daily by model (tokens)', () => usageByModelPerDay(db, P, { metric: 'tokens', days: 30 })],
      ['top subjects (month)', () => topSubjects(db, P, { metric: 'tokens', window: 'month', limit: 10 })],
      ['top subjects (hour)', () => topSubjects(db, P, { metric: 'tokens', window: 'hour', limit: 10 })],
      ['hourly series (48 h)', () => usageSeries(db, P, { metric: 'tokens', bucket: 'hour' })],
      ['subjectUsage', () => subjectUsage(db, P, 'user_0042')],
      ['cost per day by user', () => costPerDay(db, P, costFrom, 'user')],
      ['top users by cost', () => topUsersByCost(db, P, costFrom)],
    ] as const) {
      const t = await time(fn);
      console.log(`  ${name.padEnd(26)} p50 ${pct(t, 50).toFixed(1)} ms`);
    }
    const plan = await sql`explain select uc.subject from usage_counters uc where uc.project_id = ${P}
      and uc.metric = 'tokens' and uc.period = 'hour' and uc.window_start = date_trunc('hour', now())
      order by uc.used desc limit 1`;
    const seq = plan.some((r) => String(r['QUERY PLAN']).includes('Seq Scan on usage_counters'));
    console.log(
      `  quotaStatus's '*' lookup: ${seq ? 'SEQ SCAN of usage_counters' : 'index (no seq scan of usage_counters)'}`,
    );
  } finally {
    await sql.end({ timeout: 5 });
    await conn.close();
    await database.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
