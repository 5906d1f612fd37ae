import { ButtonLink } from '@/components/ui/button';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { getDb } from '@/db/client';
import type { Run } from '@/db/schema';
import { projectPath } from '@/lib/project-path';
import { AppError } from '@/server/errors';
import { listResults } from '@/server/runs';
import { ResultsFilter } from './results-filter';
import { ResultsSummary } from './results-summary';
import { ResultsTable } from './results-table';

/** A dataset run's per-item results: counts, pass rate, filter by failed (URL), cursor pages. */
export async function DatasetResults({
  slug,
  run,
  projectId,
  status,
  cursor,
}: {
  slug: string;
  run: Run;
  projectId: string;
  status?: 'failed' | 'succeeded';
  cursor?: string;
}) {
  let page: Awaited<ReturnType<typeof listResults>>;
  try {
    page = await listResults(getDb(), projectId, run.id, { status, limit: 25, cursor });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'bad_request')) throw err;
    page = await listResults(getDb(), projectId, run.id, { status, limit: 25 });
  }
  const base = projectPath(slug, 'runs', run.id);
  const link = (p: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => Boolean(e[1])));
    const s = q.toString();
    return `${base}${s ? `?${s}` : ''}#results`;
  };

  return (
    <Card className="mb-5">
      <div id="results" />
      <CardHeader title="Dataset results" actions={<ResultsFilter status={status} link={link} />}>
        <ResultsSummary run={run} />
      </CardHeader>
      {page.data.length === 0 ? (
        <EmptyState title={status === 'failed' ? 'No failed items' : 'No results yet'} />
      ) : (
        <ResultsTable results={page.data} />
      )}
      <div className="flex justify-end gap-2 px-4 py-2.5">
        <ButtonLink size="sm" href={link({ results: status })} disabled={!cursor}>
          First page
        </ButtonLink>
        <ButtonLink
          size="sm"
          href={page.nextCursor ? link({ results: status, rcursor: page.nextCursor }) : '#'}
          disabled={!page.nextCursor}
        >
          Next page →
        </ButtonLink>
      </div>
    </Card>
  );
}
