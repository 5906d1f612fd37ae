import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { PurgeCounts } from './batches';

type RunRowsStep = {
  /** The table whose rows under the chunk's runs this step deletes (or detaches), batch by batch. */
  table: string;
  /** The project's rows under the chunk's runs (the project named, as every statement of the app does). */
  statement: (projectId: SQL, runIds: SQL, n: number) => SQL;
  field: keyof PurgeCounts | null;
  /** Clears the reference (the row outlives the run; its key takes no action on delete). */
  detach?: true;
};

/**
 * Every table that references `runs` (runs too, for a child's parent), in the order its rows under a run
 * are removed or detached before the runs themselves: a table left out here would be emptied by one
 * unbounded cascade when its runs go, or would stop them going (a test compares this list with the
 * schema's foreign keys).
 */
export const RUN_ROWS: RunRowsStep[] = [
  {
    table: 'run_events',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from run_events where project_id = ${p} and (run_id, seq) in (
        select run_id, seq from run_events where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'events',
  },
  {
    table: 'run_transcript_checkpoints',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from run_transcript_checkpoints where project_id = ${p} and (run_id, seq) in (
        select run_id, seq from run_transcript_checkpoints where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  // Scores before results: a result's delete would cascade to its scores unbatched.
  {
    table: 'scores',
    statement: (p, any, n) => sql`with d as (delete from scores where project_id = ${p} and id in (
        select id from scores where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'scores',
  },
  // Evaluations (one per evaluator and run or result) before results too, for the same reason.
  {
    table: 'evaluation_jobs',
    statement: (p, any, n) => sql`with d as (delete from evaluation_jobs where project_id = ${p} and id in (
        select id from evaluation_jobs where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'annotation_queue_items',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from annotation_queue_items where project_id = ${p} and id in (
        select id from annotation_queue_items where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'evaluation_inbox',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from evaluation_inbox where project_id = ${p} and run_id in (
        select run_id from evaluation_inbox where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: null,
  },
  {
    table: 'run_results',
    statement: (p, any, n) => sql`with d as (delete from run_results where project_id = ${p} and id in (
        select id from run_results where project_id = ${p} and run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'results',
  },
  {
    table: 'report_sections',
    statement: (p, any, n) => sql`with d as (delete from report_sections where project_id = ${p} and id in (
        select s.id from report_sections s join reports r on r.project_id = s.project_id and r.id = s.report_id
        where r.project_id = ${p} and r.run_id = any(${any}) limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'reportSections',
  },
  // Branch reports first (children before parents), so no delete cascades further than its batch.
  {
    table: 'reports',
    statement: (p, any, n) => sql`with d as (delete from reports where project_id = ${p} and id in (
        select id from reports r where r.project_id = ${p} and r.run_id = any(${any})
          and not exists (select 1 from reports c where c.project_id = r.project_id and c.parent_report_id = r.id)
        limit ${n}) returning 1)
      select count(*)::int as n from d`,
    field: 'reports',
  },
  // OTLP spans a run was assembled from go with it.
  {
    table: 'otel_spans',
    statement: (
      p,
      any,
      n,
    ) => sql`with d as (delete from otel_spans where project_id = ${p} and (run_id, span_id) in (
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
  // The ledger outlives runs (its own retention): it only forgets which run it came from; so does a
  // child run its parent. Each by its whole key (the ledger's holds its month: one partition's index per row).
  ...(
    [
      ['usage_events', 'id, project_id, occurred_at', 'run_id'],
      ['usage_reservations', 'id, project_id', 'run_id'],
      ['runs', 'id, project_id', 'parent_run_id'],
    ] as const
  ).map(
    ([table, key, column]): RunRowsStep => ({
      table,
      statement: (
        p,
        any,
        n,
      ) => sql`with u as (update ${sql.identifier(table)} set ${sql.identifier(column)} = null
          where (${sql.raw(key)}) in (select ${sql.raw(key)} from ${sql.identifier(table)}
            where project_id = ${p} and ${sql.identifier(column)} = any(${any}) limit ${n}) returning 1)
        select count(*)::int as n from u`,
      field: null,
      detach: true,
    }),
  ),
];
