import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_LOCK_NOT_AVAILABLE, pgErrorCode, queryRows } from '@/db/sql';
import { DEFAULT_USAGE_RETENTION_DAYS } from '@/lib/contract';
import { windowKinds, windowStart } from '@/lib/windows';
import { type EventPartition, listEventPartitions } from '../events/partitions';

/** The most rows one retention transaction deletes (or updates): locks stay short. */
export const MAX_BATCH = 1000;

const DAY = 86_400_000;
/** A counter window is pruned only this long after it ended: a server whose clock lags may still write it. */
const COUNTER_GRACE_MS = 60_000;

export type PurgeCounts = {
  runs: number;
  events: number;
  results: number;
  scores: number;
  reports: number;
  reportSections: number;
  ledger: number;
  dailyRollups: number;
  hourlyRollups: number;
  counters: number;
  /** Runs left `running` or `queued` with no event for the abandon time, marked failed (abandoned). */
  abandoned: number;
  /** Statements (each its own transaction) that deleted or updated rows. */
  batches: number;
};

export type ProjectPurge = { projectId: string; slug: string } & PurgeCounts;

export type PurgeOptions = {
  now?: Date;
  /** Rows per transaction, at most MAX_BATCH. */
  batchSize?: number;
  /** Pause between batches, so ingest gets the database between them (default 0: just yield). */
  pauseMs?: number;
  /** Only this project (tests); default every project. */
  projectId?: string;
  /**
   * Hours without an event (or update) after which a `running` or `queued` run is marked failed as
   * abandoned (its agent is gone); 0 or unset: never.
   */
  abandonAfterHours?: number;
};

const zero = (): PurgeCounts => ({
  runs: 0,
  events: 0,
  results: 0,
  scores: 0,
  reports: 0,
  reportSections: 0,
  ledger: 0,
  dailyRollups: 0,
  hourlyRollups: 0,
  counters: 0,
  abandoned: 0,
  batches: 0,
});

/**
 * Where the ledger may be cut: `usageDays` before `now`, rounded down to a UTC day (so the daily and
 * hourly rollups are trimmed with it, by whole days), and never after the start of the current month,
 * the longest quota window (a counter must stay recomputable from the ledger of its window).
 */
export function ledgerCutoff(now: Date, usageDays: number): Date {
  const byDays = windowStart('day', new Date(now.getTime() - usageDays * DAY));
  const month = windowStart('month', now);
  return new Date(Math.min(byDays.getTime(), month.getTime()));
}

export function runCutoff(now: Date, runDays: number): Date {
  return new Date(now.getTime() - runDays * DAY);
}

type Ctx = { db: DbOrTx; size: number; pauseMs: number; counts: PurgeCounts };

/** Runs `statement` (which must touch at most `size` rows and answer `n`) until it touches none. */
async function repeat(ctx: Ctx, statement: () => SQL, field: keyof PurgeCounts | null): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(ctx.db, statement());
    const n = Number(row?.n ?? 0);
    if (n > 0) {
      ctx.counts.batches++;
      total += n;
      if (field) ctx.counts[field] += n;
    }
    if (n === 0) return total;
    await new Promise((r) => setTimeout(r, ctx.pauseMs));
  }
}

const ids = (runIds: string[]) => sql`${`{${runIds.join(',')}}`}::uuid[]`;

type RunRowsStep = {
  /** The table whose rows under the chunk's runs this step deletes (or detaches), batch by batch. */
  table: string;
  /** The project's rows under the chunk's runs (the project named, as every statement of the app does). */
  statement: (projectId: SQL, runIds: SQL, n: number) => SQL;
  field: keyof PurgeCounts | null;
};

/**
 * Every table that references `runs`, in the order its rows under a run are removed before the runs
 * themselves: a table left out here would be emptied by one unbounded cascade when its runs go (a test
 * compares this list with the schema's foreign keys).
 */
export const RUN_ROWS: RunRowsStep[] = [
  {
    table: 'run_events',
    statement: (p, any, n) => sql`with d as (delete from run_events where (run_id, seq) in (
        select run_id, seq from run_events where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'events',
  },
  {
    table: 'run_transcript_checkpoints',
    statement: (p, any, n) => sql`with d as (delete from run_transcript_checkpoints where (run_id, seq) in (
        select run_id, seq from run_transcript_checkpoints where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  // Scores before results: a result's delete would cascade to its scores unbatched.
  {
    table: 'scores',
    statement: (p, any, n) => sql`with d as (delete from scores where id in (
        select id from scores where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'scores',
  },
  // Evaluations (one per evaluator and run or result) before results too, for the same reason.
  {
    table: 'evaluation_jobs',
    statement: (p, any, n) => sql`with d as (delete from evaluation_jobs where id in (
        select id from evaluation_jobs where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'annotation_queue_items',
    statement: (p, any, n) => sql`with d as (delete from annotation_queue_items where id in (
        select id from annotation_queue_items where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'evaluation_inbox',
    statement: (p, any, n) => sql`with d as (delete from evaluation_inbox where run_id in (
        select run_id from evaluation_inbox where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'run_results',
    statement: (p, any, n) => sql`with d as (delete from run_results where id in (
        select id from run_results where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'results',
  },
  {
    table: 'report_sections',
    statement: (p, any, n) => sql`with d as (delete from report_sections where id in (
        select s.id from report_sections s join reports r on r.id = s.report_id
        where r.project_id = ${p} and r.run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'reportSections',
  },
  // Branch reports first (children before parents), so no delete cascades further than its batch.
  {
    table: 'reports',
    statement: (p, any, n) => sql`with d as (delete from reports where id in (
        select id from reports r where r.project_id = ${p} and r.run_id = any(${any})
          and not exists (select 1 from reports c where c.parent_report_id = r.id)
        limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'reports',
  },
  // OTLP spans a run was assembled from go with it.
  {
    table: 'otel_spans',
    statement: (p, any, n) => sql`with d as (delete from otel_spans where (run_id, span_id) in (
        select run_id, span_id from otel_spans where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  // So do its OTLP log records (and evaluations) and the model responses that pointed to it.
  {
    table: 'otel_log_records',
    statement: (p, any, n) => sql`with d as (delete from otel_log_records where (project_id, record_key) in (
        select project_id, record_key from otel_log_records where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'otel_response_ids',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from otel_response_ids where (project_id, response_id) in (
        select project_id, response_id from otel_response_ids where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  // The ledger outlives runs (its own retention): it only forgets which run it came from.
  ...(['usage_events', 'usage_reservations'] as const).map(
    (table): RunRowsStep => ({
      table,
      statement: (p, any, n) => sql`with u as (update ${sql.identifier(table)} set run_id = null where id in (
          select id from ${sql.identifier(table)} where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
        select count(*)::int as n from u`,
      field: null,
    }),
  ),
];

/**
 * Drops the month partitions of run_events whose every row has expired, before runs are purged one
 * batch at a time: those runs' events then go at the cost of a DROP TABLE, not a delete and its WAL
 * per row. A partition holds the events of the runs created in its month, across projects with their
 * own retention, so it goes only when no project has a run in that month that it keeps (a project
 * that keeps runs forever and has one there keeps the whole month: its other rows go by batched
 * deletes). Only months that have ended. The check and the drop hold run_events' lock (event writes
 * and reads wait the few milliseconds of the check), with a short lock timeout: a busy table waits
 * for the next pass. Answers the partitions dropped.
 */
export async function dropExpiredEventPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listEventPartitions(db)) {
    if (p.to.getTime() > now.getTime()) break;
    // Checked without the lock first: a month that stays costs no lock of the table.
    if (await monthKept(db, p, now)) continue;
    const done = await db
      .transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '2s'`);
        // The parent first, as a drop takes it: an insert holds the parent before the partition.
        await tx.execute(sql`lock table only run_events in access exclusive mode`);
        await tx.execute(sql`lock table ${sql.identifier(p.name)} in access exclusive mode`);
        if (await monthKept(tx, p, now)) return false;
        await tx.execute(sql`drop table ${sql.identifier(p.name)}`);
        return true;
      })
      .catch((err: unknown) => {
        if (pgErrorCode(err) === PG_LOCK_NOT_AVAILABLE) return false;
        throw err;
      });
    if (done) dropped.push(p.name);
  }
  return dropped;
}

/** Whether a project has a run created in the partition's month that its retention keeps at `now`. */
async function monthKept(db: DbOrTx, p: EventPartition, now: Date): Promise<boolean> {
  const [row] = await queryRows<{ kept: boolean }>(
    db,
    sql`select exists (
          select 1 from projects j left join project_retention r on r.project_id = j.id
          where exists (select 1 from runs x where x.project_id = j.id
            and x.created_at < ${p.to.toISOString()}::timestamptz
            and x.created_at >= greatest(${p.from.toISOString()}::timestamptz,
              ${now.toISOString()}::timestamptz - coalesce(r.run_days * interval '86400 seconds', interval '400000 days')))
        ) as kept`,
  );
  return row?.kept ?? true;
}

/** Deletes one chunk of expired runs: their rows in other tables first, batch by batch, then the runs. */
async function purgeRunChunk(ctx: Ctx, projectId: string, runIds: string[]): Promise<void> {
  const any = ids(runIds);
  const project = sql`${projectId}::uuid`;
  for (const step of RUN_ROWS) await repeat(ctx, () => step.statement(project, any, ctx.size), step.field);
  await repeat(
    ctx,
    () =>
      sql`with d as (delete from runs where project_id = ${project} and id = any(${any}) returning 1) select count(*)::int as n from d`,
    'runs',
  );
}

async function purgeRuns(ctx: Ctx, projectId: string, cutoff: Date): Promise<void> {
  for (;;) {
    const chunk = await queryRows<{ id: string }>(
      ctx.db,
      sql`select id from runs where project_id = ${projectId}::uuid
            and created_at < ${cutoff.toISOString()}::timestamptz
          order by created_at, id limit ${ctx.size}`,
    );
    if (chunk.length === 0) break;
    await purgeRunChunk(
      ctx,
      projectId,
      chunk.map((r) => r.id),
    );
    if (chunk.length < ctx.size) break;
  }
  // OTLP log records still waiting for a run that never came expire like a run would have.
  await repeat(
    ctx,
    () => sql`with d as (delete from otel_log_records where (project_id, record_key) in (
        select project_id, record_key from otel_log_records where project_id = ${projectId}::uuid
          and run_id is null and created_at < ${cutoff.toISOString()}::timestamptz limit ${ctx.size}) returning 1)
      select count(*)::int as n from d`,
    null,
  );
  // Models no run uses any more leave the history filter.
  await queryRows(
    ctx.db,
    sql`delete from run_models m where m.project_id = ${projectId}::uuid
          and not exists (select 1 from runs r where r.project_id = m.project_id and r.model = m.model)`,
  );
}

async function purgeLedger(ctx: Ctx, projectId: string, cutoff: Date): Promise<void> {
  const at = cutoff.toISOString();
  const metrics = await queryRows<{ metric: string }>(
    ctx.db,
    sql`select distinct metric from usage_daily
        where project_id = ${projectId}::uuid and day < ${at}::timestamptz`,
  );
  const n = ctx.size;
  // Per metric, so each batch is a range of the (project, metric, occurred_at) index.
  for (const { metric } of metrics) {
    await repeat(
      ctx,
      () => sql`with d as (delete from usage_events where id in (
          select id from usage_events where project_id = ${projectId}::uuid and metric = ${metric}
            and occurred_at < ${at}::timestamptz limit ${n}) returning 1)
        select count(*)::int as n from d`,
      'ledger',
    );
    await repeat(
      ctx,
      () => sql`with d as (delete from usage_daily where (project_id, metric, day, subject, model) in (
          select project_id, metric, day, subject, model from usage_daily
          where project_id = ${projectId}::uuid and metric = ${metric} and day < ${at}::timestamptz
          limit ${n}) returning 1)
        select count(*)::int as n from d`,
      'dailyRollups',
    );
    await repeat(
      ctx,
      () => sql`with d as (delete from usage_hourly where (project_id, metric, hour, subject) in (
          select project_id, metric, hour, subject from usage_hourly
          where project_id = ${projectId}::uuid and metric = ${metric} and hour < ${at}::timestamptz
          limit ${n}) returning 1)
        select count(*)::int as n from d`,
      'hourlyRollups',
    );
  }
}

/**
 * Runs still `running` or `queued` whose last event or update is older than `before`: their agent
 * crashed or forgot to finish them. They become `failed` with an `abandoned` error and end at their
 * last activity, so the history stops showing them as live (and evaluators see them finished).
 */
async function abandonStaleRuns(ctx: Ctx, projectId: string, now: Date, hours: number): Promise<void> {
  const before = new Date(now.getTime() - hours * 3_600_000).toISOString();
  const error = { type: 'abandoned', message: `No event for ${hours} hours: marked abandoned by retention` };
  await repeat(
    ctx,
    // updated_at moves (to `now`): a page watching the run sees its change marker move and refreshes.
    () => sql`with u as (update runs set status = 'failed', ended_at = updated_at,
          updated_at = ${now.toISOString()}::timestamptz, error = coalesce(error, ${JSON.stringify(error)}::jsonb)
        where id in (
          select id from runs where project_id = ${projectId}::uuid and status in ('running', 'queued')
            and updated_at < ${before}::timestamptz
          limit ${ctx.size}) returning 1)
      select count(*)::int as n from u`,
    'abandoned',
  );
}

/** Counter rows of windows that ended: quotas only read the current window. */
async function pruneCounters(ctx: Ctx, projectId: string, now: Date): Promise<void> {
  const n = ctx.size;
  const graced = new Date(now.getTime() - COUNTER_GRACE_MS);
  for (const period of windowKinds) {
    const start = windowStart(period, graced).toISOString();
    await repeat(
      ctx,
      () => sql`with d as (delete from usage_counters
          where (project_id, subject, metric, period, window_start) in (
            select project_id, subject, metric, period, window_start from usage_counters
            where project_id = ${projectId}::uuid and period = ${period}::quota_window
              and window_start < ${start}::timestamptz
            limit ${n}) returning 1)
        select count(*)::int as n from d`,
      'counters',
    );
  }
}

/**
 * One pass of retention: for each project, expired runs (with everything hanging off them), runs
 * abandoned while running (with `abandonAfterHours`), ledger rows past the project's ledger retention,
 * and counters of windows that ended. Every statement is its own
 * transaction of at most `batchSize` rows.
 */
export async function purgeExpired(db: DbOrTx, opts: PurgeOptions = {}): Promise<ProjectPurge[]> {
  const now = opts.now ?? new Date();
  const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(opts.batchSize ?? MAX_BATCH)));
  const projects = await queryRows<{ id: string; slug: string; run_days: number | null; usage_days: number }>(
    db,
    sql`select p.id, p.slug, r.run_days, coalesce(r.usage_days, ${DEFAULT_USAGE_RETENTION_DAYS})::int as usage_days
        from projects p left join project_retention r on r.project_id = p.id
        ${opts.projectId ? sql`where p.id = ${opts.projectId}::uuid` : sql``}
        order by p.created_at`,
  );
  const dropped = await dropExpiredEventPartitions(db, now);
  if (dropped.length > 0)
    console.log(`[runledger] retention: dropped event partitions ${dropped.join(', ')}`);
  const out: ProjectPurge[] = [];
  for (const p of projects) {
    const ctx: Ctx = { db, size, pauseMs: opts.pauseMs ?? 0, counts: zero() };
    if (p.run_days !== null) await purgeRuns(ctx, p.id, runCutoff(now, p.run_days));
    const hours = opts.abandonAfterHours ?? 0;
    if (hours > 0) await abandonStaleRuns(ctx, p.id, now, hours);
    await purgeLedger(ctx, p.id, ledgerCutoff(now, p.usage_days));
    await pruneCounters(ctx, p.id, now);
    out.push({ projectId: p.id, slug: p.slug, ...ctx.counts });
  }
  return out;
}
