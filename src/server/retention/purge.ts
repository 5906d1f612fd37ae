import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { DEFAULT_USAGE_RETENTION_DAYS } from '@/lib/contract';
import { windowKinds, windowStart } from '@/lib/windows';
import { type Ctx, type PurgeCounts, repeat, zero } from './batches';
import { ledgerCutoff, runCutoff } from './cutoffs';
import { dropExpiredEventPartitions, dropExpiredLedgerPartitions } from './drop-partitions';
import { RUN_ROWS } from './run-rows';

export type { PurgeCounts } from './batches';
export { ledgerCutoff, runCutoff } from './cutoffs';
export { dropExpiredEventPartitions, dropExpiredLedgerPartitions } from './drop-partitions';
export { RUN_ROWS } from './run-rows';

/** The most rows one retention transaction deletes (or updates): locks stay short. */
export const MAX_BATCH = 1000;

/** A counter window is pruned only this long after it ended: a server whose clock lags may still write it. */
const COUNTER_GRACE_MS = 60_000;

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

const ids = (runIds: string[]) => sql`${`{${runIds.join(',')}}`}::uuid[]`;

/** Deletes one chunk of expired runs: their rows in other tables first, batch by batch, then the runs. */
async function purgeRunChunk(ctx: Ctx, projectId: string, runIds: string[]): Promise<void> {
  const any = ids(runIds);
  const project = sql`${projectId}::uuid`;
  for (const step of RUN_ROWS) await repeat(ctx, () => step.statement(project, any, ctx.size), step.field);
  // A child run, ledger row or reservation may have named one of these runs since its batch was
  // detached (their keys take no action on delete, so the delete would fail). Locking the runs first
  // makes such a writer wait for this transaction (its key check then finds the run gone, as it would
  // after any delete), and the references already written are cleared again here.
  const deleted = await ctx.db.transaction(async (tx) => {
    await queryRows(
      tx,
      sql`select 1 from runs where project_id = ${project} and id = any(${any}) for update`,
    );
    const inTx = { ...ctx, db: tx, pauseMs: 0 };
    for (const step of RUN_ROWS.filter((s) => s.detach)) {
      await repeat(inTx, () => step.statement(project, any, ctx.size), null);
    }
    const [row] = await queryRows<{ n: number }>(
      tx,
      sql`with d as (delete from runs where project_id = ${project} and id = any(${any}) returning 1) select count(*)::int as n from d`,
    );
    return Number(row?.n ?? 0);
  });
  if (deleted > 0) {
    ctx.counts.batches++;
    ctx.counts.runs += deleted;
  }
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

/**
 * The ledger rows before the cut (whole months were dropped before, see dropExpiredLedgerPartitions),
 * with their rollup days and hours, and the idempotency keys recorded before the cut: a key is kept as
 * long as the ledger, so a retry after that is recorded again.
 */
async function purgeLedger(ctx: Ctx, projectId: string, cutoff: Date): Promise<void> {
  const at = cutoff.toISOString();
  await repeat(
    ctx,
    () => sql`with d as (delete from usage_idempotency where (project_id, key) in (
        select project_id, key from usage_idempotency where project_id = ${projectId}::uuid
          and created_at < ${at}::timestamptz limit ${ctx.size}) returning 1)
      select count(*)::int as n from d`,
    null,
  );
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
      () => sql`with d as (delete from usage_events where (id, project_id, occurred_at) in (
          select id, project_id, occurred_at from usage_events where project_id = ${projectId}::uuid
            and metric = ${metric} and occurred_at < ${at}::timestamptz limit ${n}) returning 1)
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
  const dropped = [
    ...(await dropExpiredEventPartitions(db, now)),
    ...(await dropExpiredLedgerPartitions(db, now)),
  ];
  if (dropped.length > 0) console.log(`[runledger] retention: dropped partitions ${dropped.join(', ')}`);
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
