import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type AnnotationQueue, annotationQueues, projectMembers } from '@/db/schema';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';

/** Whether a reviewer (a user id, or `key:<id>` for an API key) may lease items of a queue. */
export function mayReview(queue: Pick<AnnotationQueue, 'assignees'>, reviewer: string): boolean {
  return queue.assignees.length === 0 || queue.assignees.includes(reviewer);
}

/**
 * The assignees of a queue as given (duplicates dropped, order kept), each a member of the project who
 * can review (an editor or owner); any other is a 400 naming every one that is not.
 */
export async function checkAssignees(db: DbOrTx, projectId: string, ids: string[]): Promise<string[]> {
  const list = [...new Set(ids)];
  if (list.length === 0) return [];
  const found = await db
    .select({ userId: projectMembers.userId, role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), inArray(projectMembers.userId, list)));
  const roles = new Map(found.map((m) => [m.userId, m.role]));
  const issues = ids.flatMap((id, i) => {
    const role = roles.get(id);
    if (role === 'editor' || role === 'owner') return [];
    return [
      {
        path: ['assignees', i],
        message: role === 'viewer' ? 'A viewer cannot review' : 'Not a member of this project',
      },
    ];
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new AppError('bad_request', `Invalid body at ${first.path.join('.')}: ${first.message}`, issues);
  }
  return list;
}

/** Names who reviews a queue (empty: every editor and owner), audited with before and after. */
export async function setQueueAssignees(
  db: DbOrTx,
  projectId: string,
  queueId: string,
  assignees: string[],
  actor: AuditActor,
): Promise<AnnotationQueue> {
  return db.transaction(async (tx) => {
    const list = await checkAssignees(tx, projectId, assignees);
    const [before] = await tx
      .select({ assignees: annotationQueues.assignees })
      .from(annotationQueues)
      .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.id, queueId)))
      .for('update');
    if (!before) throw notFound('Annotation queue');
    const [queue] = await tx
      .update(annotationQueues)
      .set({ assignees: list, updatedAt: new Date() })
      .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.id, queueId)))
      .returning();
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'annotation_queue.assignees_changed',
      target: queueId,
      before: { assignees: before.assignees },
      after: { assignees: list },
    });
    return queue!;
  });
}
