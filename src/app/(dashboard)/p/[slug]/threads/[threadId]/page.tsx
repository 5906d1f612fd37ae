import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ButtonLink } from '@/components/ui/button';
import { Card, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { AppError } from '@/server/errors';
import { listThreadRuns } from '@/server/runs';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { projectPath } from '@/lib/project-path';
import { LiveRefresh } from '../../runs/live-refresh';
import { RunsTable } from '../../runs/runs-table';

export const metadata: Metadata = { title: 'Thread · runledger' };

export default async function ThreadPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; threadId: string }>;
  searchParams: Promise<{ after?: string | string[] }>;
}) {
  const ctx = await requireProject((await params).slug, 'threads');
  const threadId = decodeURIComponent((await params).threadId);
  const after = (await searchParams).after;
  const cursor = typeof after === 'string' && after ? after : undefined;
  const db = getDb();
  // A long conversation is shown a page at a time (oldest first); a bad cursor shows the first page.
  const page = await listThreadRuns(db, ctx.project.id, threadId, { cursor }).catch((err) => {
    if (err instanceof AppError && err.code === 'bad_request')
      return listThreadRuns(db, ctx.project.id, threadId);
    throw err;
  });
  const runs = page.data;
  if (runs.length === 0 && !cursor) notFound();
  const base = projectPath(ctx.project.slug, 'threads', threadId);
  return (
    <div>
      <PageHeader
        title={<>Thread {threadId}</>}
        description={
          <span className="inline-flex items-center gap-3">
            {page.total} runs of this conversation, in order.{' '}
            <Link
              href={`${projectPath(ctx.project.slug, 'runs')}?thread=${encodeURIComponent(threadId)}`}
              className="underline"
            >
              Filter the runs list
            </Link>
            <LiveRefresh slug={ctx.project.slug} projectId={ctx.project.id} runs={runs} />
          </span>
        }
      />
      <Card>
        <RunsTable slug={ctx.project.slug} runs={runs} showThread={false} />
        <div className="flex items-center justify-between gap-2 px-4 py-2.5 text-sm text-zinc-500">
          <span>
            {runs.length} of {page.total} runs on this page
          </span>
          <div className="flex gap-2">
            <ButtonLink size="sm" href={base} disabled={!cursor}>
              ← First
            </ButtonLink>
            <ButtonLink
              size="sm"
              href={page.nextCursor ? `${base}?after=${page.nextCursor}` : '#'}
              disabled={!page.nextCursor}
            >
              Later →
            </ButtonLink>
          </div>
        </div>
      </Card>
    </div>
  );
}
