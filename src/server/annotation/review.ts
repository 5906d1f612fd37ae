import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type AnnotationQueueItem, annotationQueueItems } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { mayReview } from './assignees';
import { getAnnotationQueue } from './queues';

/** How long a reviewer holds an item they opened before another reviewer may get it. */
export const ANNOTATION_LEASE_MS = 15 * 60_000;

/**
 * Leases the next item of a queue to a reviewer: the one they hold already (its lease renewed), else
 * the first waiting item nobody holds (or whose lease ran out), taken with SKIP LOCKED so two reviewers
 * asking at once get two items. Null when nothing is left for them. A queue with assignees leases only
 * to them (anyone else: forbidden, nothing changes).
 */
export async function nextAnnotationItem(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  reviewer: string,
  actor: AuditActor,
  now = new Date(),
  leaseMs = ANNOTATION_LEASE_MS,
): Promise<AnnotationQueueItem | null> {
  const queue = await getAnnotationQueue(db, projectId, queueId, now);
  if (!mayReview(queue, reviewer))
    throw new AppError('forbidden', 'This queue is assigned to other members: only they review it');
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  return db.transaction(async (tx) => {
    const [item] = await queryRows<{ id: string; held: boolean }>(
      tx,
      sql`with mine as (
            select id, true as held from annotation_queue_items
            where project_id = ${projectId}::uuid and queue_id = ${queueId}::uuid and status = 'pending' and leased_by = ${reviewer}
              and lease_until > ${at}::timestamptz
            order by position limit 1
          ),
          free as (
            select id, false as held from annotation_queue_items
            where project_id = ${projectId}::uuid and queue_id = ${queueId}::uuid and status = 'pending'
              and (lease_until is null or lease_until <= ${at}::timestamptz)
              and not exists (select 1 from mine)
            order by position limit 1
            for update skip locked
          )
          select id::text as id, held from mine union all select id::text as id, held from free`,
    );
    if (!item) return null;
    const [leased] = await tx
      .update(annotationQueueItems)
      .set({ leasedBy: reviewer, leaseUntil: new Date(until), updatedAt: now })
      .where(and(eq(annotationQueueItems.projectId, projectId), eq(annotationQueueItems.id, item.id)))
      .returning();
    if (!item.held)
      await writeAudit(tx, {
        projectId,
        actor,
        action: 'annotation_queue.item_leased',
        target: leased!.id,
        after: { queueId, runId: leased!.runId, reviewer, leaseUntil: until },
      });
    return leased!;
  });
}

/**
 * Completes or skips the item a reviewer holds (their lease current, or run out with nobody else
 * holding it since). Another reviewer's item, or one already finished, is a 409.
 */
export async function finishAnnotationItem(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  itemId: string,
  reviewer: string,
  action: 'complete' | 'skip',
  actor: AuditActor,
  now = new Date(),
): Promise<AnnotationQueueItem> {
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(annotationQueueItems)
      .where(
        and(
          eq(annotationQueueItems.projectId, projectId),
          eq(annotationQueueItems.queueId, queueId),
          eq(annotationQueueItems.id, itemId),
        ),
      )
      .for('update');
    if (!item) throw notFound('Annotation item');
    if (item.status !== 'pending')
      throw new AppError(
        'conflict',
        `This item is ${item.status === 'done' ? 'reviewed' : 'skipped'} already`,
      );
    if (item.leasedBy !== reviewer)
      throw new AppError('conflict', 'This item is not leased to you: ask for the next item first');
    const [done] = await tx
      .update(annotationQueueItems)
      .set({
        status: action === 'complete' ? 'done' : 'skipped',
        reviewedBy: reviewer,
        reviewedAt: now,
        leasedBy: null,
        leaseUntil: null,
        updatedAt: now,
      })
      .where(and(eq(annotationQueueItems.projectId, projectId), eq(annotationQueueItems.id, item.id)))
      .returning();
    await writeAudit(tx, {
      projectId,
      actor,
      action: action === 'complete' ? 'annotation_queue.item_completed' : 'annotation_queue.item_skipped',
      target: item.id,
      after: { queueId, runId: item.runId },
    });
    return done!;
  });
}

/** The items a reviewer finished in a queue, most recent first (to go back to a previous one). */
export async function reviewedItems(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  reviewer: string,
  limit = 20,
): Promise<AnnotationQueueItem[]> {
  return db
    .select()
    .from(annotationQueueItems)
    .where(
      and(
        eq(annotationQueueItems.projectId, projectId),
        eq(annotationQueueItems.queueId, queueId),
        eq(annotationQueueItems.reviewedBy, reviewer),
      ),
    )
    .orderBy(desc(annotationQueueItems.reviewedAt))
    .limit(limit);
}
