import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { hasRole, projectPath } from '@/lib/project-path';
import { getAnnotationQueue, mayReview, reviewedItems } from '@/server/annotation';
import { isAppError } from '@/server/errors';
import { authorNames } from '@/server/scores';
import { ProgressBar } from '../progress-bar';
import { projectReviewers } from '../reviewers';
import { AssigneesForm } from './assignees-form';
import { DeleteQueueButton, ReviewNextButton } from './queue-actions';

export const metadata: Metadata = { title: 'Queue · runledger' };

/**
 * One queue: its progress, who it is assigned to, who reviewed what, the reviewer's last runs, and
 * "Review next" (for its assignees, or every editor when it has none).
 */
export default async function QueuePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug, id } = await params;
  const { project, user } = await requireProject(slug, 'review');
  if (!z.uuid().safeParse(id).success) notFound();
  const db = getDb();
  const queue = await getAnnotationQueue(db, project.id, id).catch((err: unknown) => {
    if (isAppError(err) && err.code === 'not_found') notFound();
    throw err;
  });
  const canEdit = hasRole(project.role, 'editor');
  // Editors and owners review; with assignees, only those named.
  const canReview = canEdit && mayReview(queue, user.actor.id);
  const [mine, nameOf, reviewers] = await Promise.all([
    reviewedItems(db, project.id, id, user.actor.id, 10),
    authorNames(
      db,
      queue.progress.byReviewer.map((r) => ({ source: 'annotation' as const, authorId: r.reviewer })),
    ),
    projectReviewers(db, project.id),
  ]);
  const labelOf = new Map(reviewers.map((r) => [r.userId, r.label]));
  const finished = (await searchParams).done === '1';
  return (
    <div className="max-w-4xl">
      <PageHeader
        title={queue.name}
        description={queue.description ?? `Scored by: ${queue.scoreNames.join(', ') || 'any config'}`}
      />
      <Card className="mb-5">
        <CardHeader title="Progress" actions={canEdit && <DeleteQueueButton id={queue.id} />} />
        <div className="flex items-center justify-between gap-4 p-4">
          <ProgressBar progress={queue.progress} />
          {canReview && queue.progress.pending > 0 && <ReviewNextButton queueId={queue.id} />}
        </div>
        <p className="px-4 pb-4 text-sm text-zinc-600" data-testid="queue-assignees">
          {queue.assignees.length === 0
            ? 'Reviewed by every editor and owner.'
            : `Assigned to ${queue.assignees.map((a) => labelOf.get(a) ?? a).join(', ')}.`}
          {canEdit && !canReview && ' You can follow its progress; only its assignees review it.'}
        </p>
        {finished && (
          <p role="status" className="px-4 pb-4 text-sm text-zinc-600">
            Nothing left for you to review in this queue.
          </p>
        )}
      </Card>
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title="Assignees" />
          <AssigneesForm queueId={queue.id} reviewers={reviewers} selected={queue.assignees} />
        </Card>
      )}
      {queue.progress.byReviewer.length > 0 && (
        <Card className="mb-5">
          <CardHeader title="Reviewers" />
          <Table>
            <thead>
              <tr>
                <Th>Reviewer</Th>
                <Th className="text-right">Reviewed</Th>
                <Th className="text-right">Skipped</Th>
              </tr>
            </thead>
            <tbody>
              {queue.progress.byReviewer.map((r) => (
                <tr key={r.reviewer}>
                  <Td>
                    {r.reviewer.startsWith('key:')
                      ? `API key ${r.reviewer.slice(4, 12)}`
                      : nameOf({ source: 'annotation', authorId: r.reviewer })}
                  </Td>
                  <Td className="text-right tabular-nums">{r.done}</Td>
                  <Td className="text-right tabular-nums">{r.skipped}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      {mine.length > 0 && (
        <Card>
          <CardHeader title="Your last reviews" />
          <ul className="p-4 text-sm">
            {mine.map((i) => (
              <li key={i.id}>
                <Link className="text-blue-700 hover:underline" href={projectPath(slug, 'runs', i.runId)}>
                  Run {i.runId.slice(0, 8)}
                </Link>{' '}
                <span className="text-zinc-500">{i.status === 'done' ? 'reviewed' : 'skipped'}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
