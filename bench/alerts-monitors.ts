/**
 * Part of bench/alerts: one evaluation tick of 100 monitors over a project with 1M runs (30 days, 500
 * users, 4 models, 5 % failed), 2M ledger rows and 200k scores, against a raw-SQL baseline: the same
 * windows read by one hand-written aggregate each (count, failures, tokens, cost over the window's
 * runs), sequentially. Target: the tick < 500 ms.
 */
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db } from '@/db/client';
import { monitors } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { evaluateMonitors } from '@/server/monitors';
import { putQuota } from '@/server/usage';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Writes the fill with triggers off (session_replication_role): the rollups it needs are written directly. */
async function fill(raw: postgres.Sql, projectId: string, now: Date, runs: number, ledger: number) {
  const t0 = performance.now();
  await raw.begin(async (tx) => {
    await tx.unsafe(`set local session_replication_role = replica`);
    await tx.unsafe(
      `insert into runs (project_id, name, kind, status, user_id, model, tags, metadata, created_at, started_at,
         ended_at, total_tokens, cost_usd)
       select $1::uuid, 'run ' || (i % 50), (array['chat','workflow','dataset'])[1 + i % 3]::run_kind,
         (case when i % 20 = 0 then 'failed' else 'succeeded' end)::run_status,
         'u' || (i % 500), 'model-' || (i % 4), array['t' || (i % 10)], jsonb_build_object('env', 'e' || (i % 3)),
         t, t, t + ((i % 5000) || ' milliseconds')::interval, 100 + i % 900, (i % 900) / 100000.0
       from (select i, $2::timestamptz - (i::float8 / $3 * 30 * interval '1 day') as t
             from generate_series(1, $3::int) i) s`,
      [projectId, now.toISOString(), runs],
    );
    // The ledger's months of the fill (the migrations make this month and the next ones).
    await tx.unsafe(
      `select usage_events_ensure_partition(m) from (values ($1::timestamptz), ($1::timestamptz - interval '31 days')) v(m)`,
      [now.toISOString()],
    );
    await tx.unsafe(
      `insert into usage_events (project_id, subject, metric, amount, occurred_at)
       select $1::uuid, 'u' || (i % 500), 'tokens', 100 + i % 900,
         $2::timestamptz - (i::float8 / $3 * 30 * interval '1 day')
       from generate_series(1, $3::int) i`,
      [projectId, now.toISOString(), ledger],
    );
    // The counters of today's day window (what quota use reads), summed from the ledger.
    await tx.unsafe(
      `insert into usage_counters (project_id, subject, metric, period, window_start, used)
       select project_id, subject, metric, 'day', date_trunc('day', $2::timestamptz at time zone 'UTC') at time zone 'UTC',
         sum(amount)
       from usage_events where project_id = $1::uuid
         and occurred_at >= date_trunc('day', $2::timestamptz at time zone 'UTC') at time zone 'UTC'
       group by 1, 2, 3`,
      [projectId, now.toISOString()],
    );
    await tx.unsafe(
      `insert into scores (project_id, run_id, name, data_type, value, source, author_id, created_at)
       select project_id, id, 'quality', 'numeric', (hashtext(id::text) & 1023) / 1023.0, 'api', 'bench', created_at
       from runs where project_id = $1::uuid and random() < 0.2`,
      [projectId],
    );
  });
  await raw.unsafe('analyze');
  return (performance.now() - t0) / 1000;
}

const WINDOWS = [300, 900, 3600, 21_600, 86_400];

/** 100 monitors: counts, error rates, latencies, tokens per user, cost, score means and quota use. */
function definitions(projectId: string, quotaId: string): (typeof monitors.$inferInsert)[] {
  const kinds = [
    ['run_count', 20],
    ['error_rate', 20],
    ['latency_p95', 15],
    ['tokens', 10],
    ['cost', 10],
    ['score_mean', 10],
    ['quota_use', 15],
  ] as const;
  const out: (typeof monitors.$inferInsert)[] = [];
  for (const [metric, n] of kinds) {
    for (let i = 0; i < n; i++) {
      const filters =
        i % 4 === 0
          ? {}
          : i % 4 === 1
            ? { kind: 'workflow' as const }
            : i % 4 === 2
              ? { model: 'model-1' }
              : { tag: 't3' };
      out.push({
        projectId,
        name: `${metric} ${i}`,
        metric,
        scoreName: metric === 'score_mean' ? 'quality' : null,
        quotaId: metric === 'quota_use' ? quotaId : null,
        filters,
        windowSeconds: WINDOWS[i % WINDOWS.length]!,
        comparator: 'gt',
        threshold: 1e12,
        perSubject: metric === 'tokens' || metric === 'quota_use',
      });
    }
  }
  return out;
}

export async function benchMonitorTick(db: Db, raw: postgres.Sql, projectId: string): Promise<void> {
  const now = new Date();
  const runs = Number(process.env.BENCH_MONITOR_RUNS ?? 1_000_000);
  const fillS = await fill(raw, projectId, now, runs, runs * 2);
  const quota = await putQuota(db, projectId, {
    subject: '*',
    metric: 'tokens',
    window: 'day',
    limit: 1_000_000,
  });
  const defs = definitions(projectId, quota.id);
  await db.insert(monitors).values(defs);
  const [spread] = await queryRows<{
    runs: number;
    users: number;
    days: number;
    ledger: number;
    scores: number;
  }>(
    db,
    sql`select (select count(*)::int from runs where project_id = ${projectId}) as runs,
      (select count(distinct user_id)::int from runs where project_id = ${projectId}) as users,
      (select extract(day from max(created_at) - min(created_at))::int from runs where project_id = ${projectId}) as days,
      (select count(*)::int from usage_events where project_id = ${projectId}) as ledger,
      (select count(*)::int from scores where project_id = ${projectId}) as scores`,
  );
  console.log(
    `monitor fill: ${spread!.runs} runs over ${spread!.days} days, ${spread!.users} users, ${spread!.ledger} ledger rows, ${spread!.scores} scores in ${fillS.toFixed(0)} s`,
  );
  const ticks: number[] = [];
  const baselines: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const r = await evaluateMonitors(db, { now, projectId });
    ticks.push(performance.now() - t0);
    if (r.evaluated !== 100) throw new Error(`evaluated ${r.evaluated}`);
    const t1 = performance.now();
    for (const d of defs) {
      const start = new Date(now.getTime() - d.windowSeconds * 1000).toISOString();
      await raw`select count(*), count(*) filter (where status = 'failed'), sum(total_tokens), sum(cost_usd)
        from runs where project_id = ${projectId} and created_at >= ${start} and created_at < ${now.toISOString()}`;
    }
    baselines.push(performance.now() - t1);
  }
  const a = median(ticks);
  const b = median(baselines);
  console.log(
    `monitor tick (100 monitors, windows 5 min..1 day): ${a.toFixed(0)} ms (median of 5; ${ticks.map((t) => t.toFixed(0)).join(', ')}); raw SQL, one aggregate per window: ${b.toFixed(0)} ms; ratio ${(a / b).toFixed(2)}`,
  );
}
