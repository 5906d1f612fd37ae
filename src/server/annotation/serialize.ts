import 'server-only';
import type { AnnotationQueueItem } from '@/db/schema';
import type { QueueWithProgress } from './queues';

export const toQueueDto = (q: QueueWithProgress) => ({
  id: q.id,
  name: q.name,
  description: q.description,
  scoreNames: q.scoreNames,
  assignees: q.assignees,
  createdAt: q.createdAt.toISOString(),
  progress: q.progress,
});

export const toItemDto = (i: AnnotationQueueItem) => ({
  id: i.id,
  queueId: i.queueId,
  runId: i.runId,
  position: i.position,
  status: i.status,
  leaseUntil: i.leaseUntil?.toISOString() ?? null,
  reviewedBy: i.reviewedBy,
  reviewedAt: i.reviewedAt?.toISOString() ?? null,
});
