import type { Metadata } from 'next';
import Link from 'next/link';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { hasRole, projectPath } from '@/lib/project-path';
import { listAnnotationQueues } from '@/server/annotation';
import { listScoreConfigs } from '@/server/scores';
import { QueueForm } from './queue-form';
import { ProgressBar } from './progress-bar';
import { projectReviewers } from './reviewers';

export const metadata: Metadata = { title: 'Review · runledger' };

/** The project's annotation queues with their progress; editors make them and review. */
export default async function ReviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const { project } = await requireProject(slug, 'review');
  const from = (await searchParams).from;
  const db = getDb();
  const [queues, configs, reviewers] = await Promise.all([
    listAnnotationQueues(db, project.id),
    listScoreConfigs(db, project.id),
    projectReviewers(db, project.id),
  ]);
  const labelOf = new Map(reviewers.map((r) => [r.userId, r.label]));
  const canEdit = hasRole(project.role, 'editor');
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Review"
        description="Annotation queues: runs for people to review and score, one reviewer per run at a time."
      />
      <Card className="mb-5">
        <CardHeader title={`Queues (${queues.length})`} />
        {queues.length === 0 ? (
          <EmptyState title="No queues yet">
            {canEdit ? 'Make one below from a history filter.' : 'An editor of this project can make them.'}
          </EmptyState>
        ) : (
          <Table data-testid="queues-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Scores</Th>
                <Th>Assigned to</Th>
                <Th>Progress</Th>
                <Th className="text-right">Left</Th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.id}>
                  <Td className="font-medium">
                    <Link className="text-blue-700 hover:underline" href={projectPath(slug, 'review', q.id)}>
                      {q.name}
                    </Link>
                  </Td>
                  <Td className="text-xs text-zinc-600">{q.scoreNames.join(', ') || 'any'}</Td>
                  <Td className="text-xs text-zinc-600">
                    {q.assignees.map((a) => labelOf.get(a) ?? a).join(', ') || 'every editor'}
                  </Td>
                  <Td>
                    <ProgressBar progress={q.progress} />
                  </Td>
                  <Td className="text-right tabular-nums">{q.progress.pending}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {canEdit && (
        <QueueForm
          configNames={configs.map((c) => c.name)}
          filter={typeof from === 'string' ? from : ''}
          reviewers={reviewers}
        />
      )}
    </div>
  );
}
