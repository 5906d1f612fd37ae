import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runResults, runs, type Score, scores } from '@/db/schema';
import { pgConstraint, pgErrorCode, queryRows } from '@/db/sql';
import type { ScoreInput } from '@/lib/contract';
import type { ScoreSource } from '@/lib/enums';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { getScoreSettings, scoreConfigsByName } from './configs';
import { checkScore, type ScoreIssue, type ScoreValue } from './validate';

/**
 * Who scores. `api`: authorId is the API key id; `annotation`: the member's user id; `evaluator`: the
 * evaluator id. People and evaluators hold one score per run / step / result and name: a new one
 * replaces theirs. API scores are kept side by side, idempotent by id.
 */
export type ScoreAuthor = { source: ScoreSource; authorId: string };

export type InsertScoresResult = {
  /** Stored by this call: new, or replacing the author's own (with other content). */
  accepted: number;
  /** Already stored with the same content (a retry). */
  duplicates: number;
  /** The id of each input's score, in input order. */
  ids: string[];
};

type Row = Omit<typeof scores.$inferInsert, 'createdAt' | 'updatedAt'> & { id: string } & ScoreValue;

const PG_UNIQUE_VIOLATION = '23505';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Stores a batch of scores of one project, all or nothing: every run and result must be the project's
 * (else 404), every score must fit its config (else 400 listing each invalid one). One audit entry per
 * call, and one per replaced score with what it replaced. Runs in its own transaction (a savepoint
 * inside a caller's).
 */
export async function insertScores(
  db: DbOrTx,
  projectId: string,
  author: ScoreAuthor,
  inputs: ScoreInput[],
  actor: AuditActor,
): Promise<InsertScoresResult> {
  if (inputs.length === 0) return { accepted: 0, duplicates: 0, ids: [] };
  return db.transaction(async (tx) => {
    await assertTargets(tx, projectId, inputs);
    const rows = await toRows(tx, projectId, author, inputs);
    const result =
      author.source === 'api'
        ? await insertById(tx, projectId, rows)
        : await upsertByAuthor(tx, projectId, rows, actor);
    if (result.accepted > 0) {
      const runIds = [...new Set(rows.map((r) => r.runId))];
      await writeAudit(tx, {
        projectId,
        actor,
        action: 'scores.added',
        target: runIds.length === 1 ? runIds[0] : null,
        after: {
          source: author.source,
          authorId: author.authorId,
          accepted: result.accepted,
          names: [...new Set(rows.map((r) => r.name))],
          runs: runIds.length,
        },
      });
    }
    return result;
  });
}

/** Every run of the batch is the project's, and every result is of its score's run. */
async function assertTargets(tx: DbOrTx, projectId: string, inputs: ScoreInput[]): Promise<void> {
  const runIds = [...new Set(inputs.map((s) => s.runId))];
  const found = await tx
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.projectId, projectId), sql`${runs.id} = any(${`{${runIds.join(',')}}`}::uuid[])`));
  if (found.length !== runIds.length) throw notFound('Run');
  const resultIds = [...new Set(inputs.flatMap((s) => (s.resultId ? [s.resultId] : [])))];
  if (resultIds.length === 0) return;
  const results = await tx
    .select({ id: runResults.id, runId: runResults.runId })
    .from(runResults)
    .where(
      and(
        eq(runResults.projectId, projectId),
        inArray(runResults.id, resultIds),
        inArray(runResults.runId, runIds),
      ),
    );
  const runOf = new Map(results.map((r) => [r.id, r.runId]));
  for (const s of inputs) if (s.resultId && runOf.get(s.resultId) !== s.runId) throw notFound('Result');
}

async function toRows(
  tx: DbOrTx,
  projectId: string,
  author: ScoreAuthor,
  inputs: ScoreInput[],
): Promise<Row[]> {
  const configs = await scoreConfigsByName(tx, projectId, [...new Set(inputs.map((s) => s.name))]);
  const { requireConfig } = await getScoreSettings(tx, projectId);
  const issues: ScoreIssue[] = [];
  const rows: Row[] = [];
  inputs.forEach((s, i) => {
    const checked = checkScore(s, configs.get(s.name), requireConfig);
    if ('issue' in checked) {
      const { field, ...rest } = checked.issue;
      issues.push({ path: ['scores', String(i), field], ...rest });
      return;
    }
    rows.push({
      id: s.id ?? randomUUID(),
      projectId,
      runId: s.runId,
      seq: s.seq ?? null,
      resultId: s.resultId ?? null,
      name: s.name,
      ...checked,
      source: author.source,
      authorId: author.authorId,
      comment: s.comment ?? null,
    });
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new AppError('bad_request', `Invalid body at ${first.path.join('.')}: ${first.message}`, issues);
  }
  return rows;
}

/** True when a stored score says what the row says (a retry). */
function sameContent(stored: Score, row: Row): boolean {
  return (
    stored.runId === row.runId &&
    stored.seq === row.seq &&
    stored.resultId === row.resultId &&
    stored.name === row.name &&
    stored.dataType === row.dataType &&
    stored.value === row.value &&
    stored.label === row.label &&
    stored.comment === row.comment &&
    stored.source === row.source
  );
}

/** API scores: new ids are stored, known ids with the same content are duplicates, others a 409. */
async function insertById(tx: DbOrTx, projectId: string, rows: Row[]): Promise<InsertScoresResult> {
  const inserted = await queryRows<{ id: string }>(
    tx,
    sql`insert into scores (id, project_id, run_id, seq, result_id, name, data_type, value, label, source,
          author_id, comment)
        ${selectRows(rows)}
        on conflict (id, project_id) do nothing
        returning id`,
  );
  const ids = rows.map((r) => r.id);
  if (inserted.length === rows.length) return { accepted: rows.length, duplicates: 0, ids };
  const fresh = new Set(inserted.map((r) => r.id));
  const retried = rows.filter((r) => !fresh.has(r.id));
  const stored = new Map(
    (
      await tx
        .select()
        .from(scores)
        .where(
          and(
            eq(scores.projectId, projectId),
            inArray(
              scores.id,
              retried.map((r) => r.id),
            ),
          ),
        )
    ).map((s) => [s.id, s]),
  );
  for (const row of retried) {
    const s = stored.get(row.id);
    // Deleted since the insert found it.
    if (!s) throw notFound('Score');
    if (!sameContent(s, row))
      throw new AppError('conflict', `A score with id ${row.id} already exists with other content`);
  }
  return { accepted: inserted.length, duplicates: retried.length, ids };
}

const targetKey = (r: Pick<Row, 'runId' | 'seq' | 'resultId' | 'name'>) =>
  `${r.runId}/${r.seq ?? ''}/${r.resultId ?? ''}/${r.name}`;

/**
 * People and evaluators: one score per author and target; a new one replaces the author's own,
 * keeping its id. The same content again is a duplicate.
 */
async function upsertByAuthor(
  tx: DbOrTx,
  projectId: string,
  rows: Row[],
  actor: AuditActor,
): Promise<InsertScoresResult> {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const key = targetKey(r);
    if (seen.has(key))
      throw new AppError('bad_request', `Invalid body at scores.${i}: the same target and name appear twice`);
    seen.add(key);
  });
  const { source, authorId } = rows[0]!;
  // The author's current scores of these runs, locked: a concurrent re-score waits for this one.
  const current = await tx
    .select()
    .from(scores)
    .where(
      and(
        eq(scores.projectId, projectId),
        inArray(scores.runId, [...new Set(rows.map((r) => r.runId))]),
        eq(scores.source, source),
        eq(scores.authorId, authorId),
        inArray(scores.name, [...new Set(rows.map((r) => r.name))]),
      ),
    )
    .for('update');
  const byTarget = new Map(current.map((s) => [targetKey(s), s]));
  const changed: Row[] = [];
  let duplicates = 0;
  const ids = rows.map((r) => {
    const before = byTarget.get(targetKey(r));
    if (before && sameContent(before, r)) duplicates++;
    else changed.push(r);
    return before?.id ?? r.id;
  });
  if (changed.length > 0) await upsert(tx, changed);
  for (const r of changed) {
    const before = byTarget.get(targetKey(r));
    if (!before) continue;
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'score.replaced',
      target: before.id,
      before: { value: before.value, label: before.label, comment: before.comment },
      after: { value: r.value, label: r.label, comment: r.comment },
    });
  }
  return { accepted: changed.length, duplicates, ids };
}

/**
 * The rows as one SELECT over a JSON array (one parameter, whatever the batch size: a VALUES list of
 * 1,000 rows is 12,000 parameters to bind and a statement to parse each time).
 */
function selectRows(rows: Row[]) {
  const json = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      run_id: r.runId,
      seq: r.seq,
      result_id: r.resultId,
      name: r.name,
      data_type: r.dataType,
      value: r.value,
      label: r.label,
      comment: r.comment,
    })),
  );
  const { projectId, source, authorId } = rows[0]!;
  return sql`select x.id, ${projectId}::uuid, x.run_id, x.seq, x.result_id, x.name, x.data_type::score_type,
      x.value, x.label, ${source}::score_source, ${authorId}, x.comment
    from jsonb_to_recordset(${json}::jsonb) as x(id uuid, run_id uuid, seq int, result_id uuid, name text,
      data_type text, value float8, label text, comment text)`;
}

async function upsert(tx: DbOrTx, rows: Row[]): Promise<void> {
  try {
    await queryRows(
      tx,
      sql`insert into scores (id, project_id, run_id, seq, result_id, name, data_type, value, label, source,
            author_id, comment)
          ${selectRows(rows)}
          on conflict (run_id, coalesce(seq, -1), coalesce(result_id, ${sql.raw(`'${NIL_UUID}'`)}::uuid), name,
            source, author_id, project_id) where source <> 'api'
          do update set data_type = excluded.data_type, value = excluded.value, label = excluded.label,
            comment = excluded.comment, updated_at = now()`,
    );
  } catch (err) {
    // A client-chosen id that another score already has.
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION && pgConstraint(err) === 'scores_pk')
      throw new AppError('conflict', 'A score with this id already exists with other content');
    throw err;
  }
}
