import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { listThreadRuns } from '@/server/runs';
import { requireProject } from '../../_lib/project';
import { NoProject } from '../../no-project';
import { AutoRefresh } from '../../runs/auto-refresh';
import { RunsTable } from '../../runs/runs-table';

export const metadata: Metadata = { title: 'Thread · runledger' };

export default async function ThreadPage({ params }: { params: Promise<{ threadId: string }> }) {
  const ctx = await requireProject();
  if (!ctx) return <NoProject />;
  const threadId = decodeURIComponent((await params).threadId);
  const runs = await listThreadRuns(getDb(), ctx.project.id, threadId);
  if (runs.length === 0) notFound();
  return (
    <div>
      <PageHeader
        title={<>Thread {threadId}</>}
        description={
          <span className="inline-flex items-center gap-3">
            {runs.length} runs of this conversation, in order.{' '}
            <Link href={`/runs?thread=${encodeURIComponent(threadId)}`} className="underline">
              Filter the runs list
            </Link>
            <AutoRefresh active={runs.some((r) => r.status === 'running' || r.status === 'queued')} />
          </span>
        }
      />
      <Card>
        <RunsTable runs={runs} showThread={false} />
      </Card>
    </div>
  );
}
