import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type AnnotationQueue, annotationQueueItems, annotationQueues, runs } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import type { CreateAnnotationQueueInput, createAnnotationQueueBody } from '@/lib/contract';
import type { z } from 'zod';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { type HistoryFilters, listRuns } from '../runs';
import { checkAssignees } from './assignees';

export type AnnotationProgress = {
  total: number;
  pending: number;
  done: number;
  skipped: number;
  inReview: number;
  byReviewer: { reviewer: string; done: number; skipped: number }[];
};
export type QueueWithProgress = AnnotationQueue & { progress: AnnotationProgress };

/** Who reviews: a member by user id, an API key as `key:<id>` (the same as the audit log's actor id). */
export function reviewerOf(actor: Exclude<AuditActor, null | 'cli'>): string {
  return 'apiKey' in actor ? `key:${actor.apiKey.id}` : actor.id;
}

/** The API's body, whose filter may also hold the history's score conditions (the dashboard's). */
type CreateInput = Omit<z.infer<typeof createAnnotationQueueBody>, 'runs' | 'assignees'> & {
  assignees?: string[];
  runs: { runIds: string[] } | { filter: HistoryFilters; max: number; sample?: number };
};
export type { CreateAnnotationQueueInput };

/** The runs a queue is made of: the selection (every one the project's), or a filter's newest runs. */
async function queueRunIds(db: DbOrTx, projectId: string, runsIn: CreateInput['runs'], random: () => number) {
  if ('runIds' in runsIn) {
    const ids = [...new Set(runsIn.runIds)];
    const found = await db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.projectId, projectId), inArray(runs.id, ids)));
    if (found.length !== ids.length) throw notFound('Run');
    return ids;
  }
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRuns(db, projectId, runsIn.filter, {
      limit: Math.min(200, runsIn.max - ids.length),
      cursor,
    });
    ids.push(...page.data.map((r) => r.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < runsIn.max);
  if (ids.length === 0) throw new AppError('bad_request', 'No run matches the filter');
  if (runsIn.sample === undefined || runsIn.sample >= ids.length) return ids;
  // A random sample, kept in history order.
  const picked = new Set<number>();
  while (picked.size < runsIn.sample) picked.add(Math.floor(random() * ids.length));
  return [...picked].sort((a, b) => a - b).map((i) => ids[i]!);
}

/** Makes a queue of runs to review (a selection, or a history filter's runs or a sample of them). */
export async function createAnnotationQueue(
  db: DbOrTx,
  projectId: string,
  input: CreateInput,
  actor: AuditActor,
  random: () => number = Math.random,
): Promise<QueueWithProgress> {
  const runIds = await queueRunIds(db, projectId, input.runs, random);
  try {
    return await db.transaction(async (tx) => {
      const assignees = await checkAssignees(tx, projectId, input.assignees ?? []);
      const [queue] = await tx
        .insert(annotationQueues)
        .values({
          projectId,
          name: input.name,
          description: input.description ?? null,
          scoreNames: input.scoreNames,
          assignees,
          createdBy: actor && actor !== 'cli' ? reviewerOf(actor) : null,
        })
        .returning();
      await tx
        .insert(annotationQueueItems)
        .values(runIds.map((runId, position) => ({ projectId, queueId: queue!.id, runId, position })));
      await writeAudit(tx, {
        projectId,
        actor,
        action: 'annotation_queue.created',
        target: queue!.id,
        after: { name: queue!.name, scoreNames: queue!.scoreNames, assignees, runs: runIds.length },
      });
      return { ...queue!, progress: emptyProgress(runIds.length) };
    });
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION)
      throw new AppError('conflict', `An annotation queue named "${input.name}" already exists`);
    throw err;
  }
}

const emptyProgress = (total: number): AnnotationProgress => ({
  total,
  pending: total,
  done: 0,
  skipped: 0,
  inReview: 0,
  byReviewer: [],
});

/** The progress of some queues, by queue id (two grouped reads). */
async function progressOf(
  db: DbOrTx,
  projectId: string,
  queueIds: string[],
  now: Date,
): Promise<Map<string, AnnotationProgress>> {
  const out = new Map(queueIds.map((id) => [id, emptyProgress(0)]));
  if (queueIds.length === 0) return out;
  const ids = sql`array(select jsonb_array_elements_text(${JSON.stringify(queueIds)}::jsonb))::uuid[]`;
  const counts = await queryRows<{ queue_id: string; status: string; n: number; leased: number }>(
    db,
    sql`select queue_id::text as queue_id, status::text as status, count(*)::int as n,
        count(*) filter (where lease_until > ${now.toISOString()}::timestamptz)::int as leased
      from annotation_queue_items where project_id = ${projectId}::uuid and queue_id = any(${ids}) group by queue_id, status`,
  );
  for (const c of counts) {
    const p = out.get(c.queue_id)!;
    p.total += c.n;
    if (c.status === 'pending') {
      p.pending = c.n;
      p.inReview = c.leased;
    } else if (c.status === 'done') p.done = c.n;
    else p.skipped = c.n;
  }
  const reviewers = await queryRows<{ queue_id: string; reviewer: string; done: number; skipped: number }>(
    db,
    sql`select queue_id::text as queue_id, reviewed_by as reviewer,
        count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'skipped')::int as skipped
      from annotation_queue_items where project_id = ${projectId}::uuid and queue_id = any(${ids}) and reviewed_by is not null
      group by queue_id, reviewed_by order by reviewed_by`,
  );
  for (const r of reviewers)
    out.get(r.queue_id)!.byReviewer.push({ reviewer: r.reviewer, done: r.done, skipped: r.skipped });
  return out;
}

export async function listAnnotationQueues(
  db: DbOrTx,
  projectId: string,
  now = new Date(),
): Promise<QueueWithProgress[]> {
  const queues = await db
    .select()
    .from(annotationQueues)
    .where(eq(annotationQueues.projectId, projectId))
    .orderBy(desc(annotationQueues.createdAt), desc(annotationQueues.id));
  const progress = await progressOf(
    db,
    projectId,
    queues.map((q) => q.id),
    now,
  );
  return queues.map((q) => ({ ...q, progress: progress.get(q.id)! }));
}

export async function getAnnotationQueue(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  now = new Date(),
): Promise<QueueWithProgress> {
  const [queue] = await db
    .select()
    .from(annotationQueues)
    .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.id, queueId)));
  if (!queue) throw notFound('Annotation queue');
  const progress = await progressOf(db, projectId, [queue.id], now);
  return { ...queue, progress: progress.get(queue.id)! };
}

export async function deleteAnnotationQueue(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(annotationQueues)
      .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.id, queueId)))
      .returning();
    if (!gone) throw notFound('Annotation queue');
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'annotation_queue.deleted',
      target: gone.id,
      before: { name: gone.name },
    });
  });
}
