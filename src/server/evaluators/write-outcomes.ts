import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { type AuditInput, writeAudits } from '../audit/audit';
import { getScoreSettings, scoreConfigsByName } from '../scores/configs';
import { checkScore } from '../scores/validate';
import type { Evaluated, JobOutcome, Settle, WorkerOptions } from './job-types';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const jobKey = (projectId: string, id: number) => `${projectId}:${id}`;

/**
 * Writes a batch of evaluations in one transaction, only those whose lease this worker still holds
 * (their rows locked first; the others are `lost` and write nothing): the scores in one upsert per
 * project (one per evaluator and target: a new verdict replaces the evaluator's own, its change
 * audited), one audit entry per evaluator, and the jobs' outcomes in one update per project. Each
 * statement names its project by value (one shard on a distributed database); a project's statements
 * are pipelined with the other projects' (one round trip per step). A score its config refuses fails its
 * job; a run or result gone meanwhile skips it. Answers each evaluation's outcome, in order.
 */
export async function writeOutcomes(
  db: DbOrTx,
  list: Evaluated[],
  opts: WorkerOptions,
): Promise<JobOutcome[]> {
  if (list.length === 0) return [];
  // Projects in one order, ids in order within each: two writers lock rows in the same order.
  const projects = [...new Set(list.map((e) => e.job.project_id))].sort();
  return db.transaction(async (tx) => {
    // The leases still held, locked one project at a time: each statement names its project by value
    // (one shard on a distributed database, where FOR UPDATE across shards is refused).
    // Issued together, so postgres.js pipelines them (one round trip); they run in this order.
    const locked = await Promise.all(
      projects.map((projectId) => {
        const ids = list.filter((e) => e.job.project_id === projectId).map((e) => e.job.id);
        return queryRows<{ id: string | number }>(
          tx,
          sql`select id from evaluation_jobs
            where project_id = ${projectId}::uuid and id = any(${`{${ids.join(',')}}`}::bigint[])
              and leased_by = ${opts.workerId} and status = 'running'
            order by id
            for update`,
        );
      }),
    );
    const held = new Set(locked.flatMap((rows, i) => rows.map((r) => jobKey(projects[i]!, Number(r.id)))));
    const outcomes = new Map<number, JobOutcome>();
    const settles = new Map<number, Settle & { scoreId?: string }>();
    const scoring: Extract<Evaluated, { kind: 'score' }>[] = [];
    for (const e of list) {
      if (!held.has(jobKey(e.job.project_id, e.job.id))) outcomes.set(e.job.id, 'lost');
      else if (e.kind === 'settle') {
        outcomes.set(e.job.id, e.outcome);
        settles.set(e.job.id, e.settle);
      } else scoring.push(e);
    }
    // Each score as its config takes it (the same check as every other way in).
    const rows: ScoreRow[] = [];
    for (const projectId of new Set(scoring.map((e) => e.job.project_id))) {
      const mine = scoring.filter((e) => e.job.project_id === projectId);
      const configs = await scoreConfigsByName(tx, projectId, [
        ...new Set(mine.map((e) => e.evaluator.name)),
      ]);
      const { requireConfig } = await getScoreSettings(tx, projectId);
      for (const e of mine) {
        const checked = checkScore(
          { name: e.evaluator.name, value: e.verdict.value },
          configs.get(e.evaluator.name),
          requireConfig,
        );
        if ('issue' in checked) {
          outcomes.set(e.job.id, 'failed');
          settles.set(e.job.id, { status: 'failed', error: `Score refused: ${checked.issue.message}` });
          continue;
        }
        rows.push({
          job_id: e.job.id,
          id: randomUUID(),
          project_id: projectId,
          run_id: e.job.run_id,
          result_id: e.job.result_id,
          name: e.evaluator.name,
          data_type: checked.dataType,
          value: checked.value,
          comment: e.verdict.comment?.slice(0, 2000) ?? null,
          author_id: e.evaluator.id,
        });
      }
    }
    const stored = new Map(
      (
        await Promise.all(
          projects.map((projectId) =>
            upsertEvaluatorScores(
              tx,
              projectId,
              rows.filter((r) => r.project_id === projectId),
            ),
          ),
        )
      ).flatMap((m) => [...m]),
    );
    for (const r of rows) {
      const s = stored.get(r.job_id);
      if (s) {
        outcomes.set(r.job_id, 'done');
        settles.set(r.job_id, { status: 'done', scoreId: s.id });
      } else {
        outcomes.set(r.job_id, 'skipped');
        settles.set(r.job_id, { status: 'skipped', error: 'The run or result no longer exists' });
      }
    }
    await writeAudits(tx, scoreAudits(rows, stored));
    const now = opts.now();
    const projectOf = new Map(list.map((e) => [e.job.id, e.job.project_id]));
    const updates = [...settles].map(([id, s]) => ({
      id,
      project_id: projectOf.get(id),
      status: s.status,
      score_id: s.scoreId ?? null,
      last_error: s.error ?? null,
      run_after: (s.runAfter ?? now).toISOString(),
    }));
    const settling = projects.flatMap((projectId) => {
      const mine = updates.filter((u) => u.project_id === projectId);
      if (mine.length === 0) return [];
      return queryRows(
        tx,
        sql`update evaluation_jobs j
          set status = x.status::evaluation_status, score_id = coalesce(x.score_id, j.score_id),
            last_error = x.last_error, leased_by = null, run_after = x.run_after,
            updated_at = ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(mine)}::jsonb)
            as x(id bigint, status text, score_id uuid, last_error text, run_after timestamptz)
          where j.project_id = ${projectId}::uuid and j.id = x.id`,
      );
    });
    await Promise.all(settling);
    return list.map((e) => outcomes.get(e.job.id)!);
  });
}

type ScoreRow = {
  job_id: number;
  id: string;
  project_id: string;
  run_id: string;
  result_id: string | null;
  name: string;
  data_type: string;
  value: number | null;
  comment: string | null;
  author_id: string;
};

type StoredScore = {
  job_id: number;
  id: string;
  prev_value: number | null;
  prev_label: string | null;
  prev_comment: string | null;
  replaced: boolean;
};

/**
 * Stores a project's evaluator scores in one statement, one per evaluator and target (a score already there is
 * replaced, keeping its id); rows whose run or result is gone are left out. Answers, by job, the
 * stored score and what it replaced.
 */
async function upsertEvaluatorScores(
  tx: DbOrTx,
  projectId: string,
  rows: ScoreRow[],
): Promise<Map<number, StoredScore>> {
  if (rows.length === 0) return new Map();
  const nil = sql.raw(`'${NIL_UUID}'::uuid`);
  const project = sql`${projectId}::uuid`;
  const found = await queryRows<StoredScore & { job_id: string | number }>(
    tx,
    sql`with x as (
          select x.* from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(job_id bigint, id uuid,
            project_id uuid, run_id uuid, result_id uuid, name text, data_type text, value float8, comment text,
            author_id text)
          where x.project_id = ${project}
            and exists (select 1 from runs r where r.id = x.run_id and r.project_id = ${project})
            and (x.result_id is null
              or exists (select 1 from run_results rr where rr.id = x.result_id and rr.project_id = ${project}
                and rr.run_id = x.run_id))
        ),
        prev as (
          select s.id, s.project_id, s.value, s.label, s.comment from scores s join x on s.project_id = ${project}
            and s.run_id = x.run_id
            and s.seq is null and coalesce(s.result_id, ${nil}) = coalesce(x.result_id, ${nil})
            and s.name = x.name and s.source = 'evaluator' and s.author_id = x.author_id
        ),
        up as (
          insert into scores (id, project_id, run_id, seq, result_id, name, data_type, value, label, source,
            author_id, comment)
          select x.id, x.project_id, x.run_id, null, x.result_id, x.name, x.data_type::score_type, x.value, null,
            'evaluator'::score_source, x.author_id, x.comment
          from x
          on conflict (run_id, coalesce(seq, -1), coalesce(result_id, ${nil}), name, source, author_id,
            project_id) where source <> 'api'
          do update set data_type = excluded.data_type, value = excluded.value, label = excluded.label,
            comment = excluded.comment, updated_at = now()
          returning id, project_id, run_id, result_id, name, author_id
        )
        select x.job_id, up.id, prev.id is not null as replaced, prev.value as prev_value,
          prev.label as prev_label, prev.comment as prev_comment
        from x join up on up.run_id = x.run_id and coalesce(up.result_id, ${nil}) = coalesce(x.result_id, ${nil})
          and up.name = x.name and up.author_id = x.author_id
        left join prev on prev.id = up.id and prev.project_id = up.project_id`,
  );
  return new Map(found.map((f) => [Number(f.job_id), { ...f, job_id: Number(f.job_id) }]));
}

/** One `scores.added` entry per evaluator of the batch, and a `score.replaced` per changed score. */
function scoreAudits(rows: ScoreRow[], stored: Map<number, StoredScore>): AuditInput[] {
  const written = rows.filter((r) => stored.has(r.job_id));
  const entries: AuditInput[] = [];
  for (const authorId of new Set(written.map((r) => r.author_id))) {
    const mine = written.filter((r) => r.author_id === authorId);
    const changed = mine.filter((r) => {
      const s = stored.get(r.job_id)!;
      return !s.replaced || s.prev_value !== r.value || s.prev_label !== null || s.prev_comment !== r.comment;
    });
    if (changed.length === 0) continue;
    const runIds = [...new Set(changed.map((r) => r.run_id))];
    entries.push({
      projectId: changed[0]!.project_id,
      actor: null,
      action: 'scores.added',
      target: runIds.length === 1 ? runIds[0] : null,
      after: {
        source: 'evaluator',
        authorId,
        accepted: changed.length,
        names: [...new Set(changed.map((r) => r.name))],
        runs: runIds.length,
      },
    });
    for (const r of changed) {
      const s = stored.get(r.job_id)!;
      if (!s.replaced) continue;
      entries.push({
        projectId: r.project_id,
        actor: null,
        action: 'score.replaced',
        target: s.id,
        before: { value: s.prev_value, label: s.prev_label, comment: s.prev_comment },
        after: { value: r.value, label: null, comment: r.comment },
      });
    }
  }
  return entries;
}
