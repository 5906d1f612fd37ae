import type { Metadata } from 'next';
import { createSearchParamsCache, createSerializer, type SearchParams } from 'nuqs/server';
import { ButtonLink } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import type { RunFilters as Filters } from '@/lib/contract';
import { AppError } from '@/server/errors';
import { listRunModels, listRuns, type RunPage } from '@/server/runs';
import { requireProject } from '../_lib/project';
import { NoProject } from '../no-project';
import { AutoRefresh } from './auto-refresh';
import { RunFilters } from './filters';
import { RunsTable } from './runs-table';
import { rangeMs, runsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Runs · runledger' };

const cache = createSearchParamsCache(runsSearchParams);
const serialize = createSerializer(runsSearchParams);
const PAGE_SIZE = 50;

export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requireProject();
  if (!ctx) return <NoProject />;
  const params = cache.parse(await searchParams);
  const filters: Filters = {
    status: params.status ?? undefined,
    kind: params.kind ?? undefined,
    model: params.model ?? undefined,
    userId: params.user ?? undefined,
    threadId: params.thread ?? undefined,
    tag: params.tag ?? undefined,
    q: params.q ?? undefined,
    from: params.range ? new Date(Date.now() - rangeMs[params.range]).toISOString() : undefined,
  };
  const db = getDb();
  // The list and the model facet (a small summary table) are read in parallel. A hand-edited cursor
  // shows the first page rather than an error.
  const [cursorPage, models] = await Promise.all([
    listRuns(db, ctx.project.id, filters, { limit: PAGE_SIZE, cursor: params.cursor ?? undefined }).catch(
      (err) => {
        if (err instanceof AppError && err.code === 'bad_request') return null;
        throw err;
      },
    ),
    listRunModels(db, ctx.project.id),
  ]);
  const badCursor = cursorPage === null;
  const page: RunPage = cursorPage ?? (await listRuns(db, ctx.project.id, filters, { limit: PAGE_SIZE }));
  const filtered = Object.entries(params).some(([k, v]) => k !== 'cursor' && v !== null);
  const href = (cursor: string) => `/runs${serialize({ ...params, cursor })}`;

  return (
    <div>
      <PageHeader
        title="Runs"
        description={
          <span className="inline-flex items-center gap-3">
            Every chat turn, workflow and dataset run of {ctx.project.name}, newest first.
            <AutoRefresh active={page.data.some((r) => r.status === 'running' || r.status === 'queued')} />
          </span>
        }
      />
      <RunFilters models={models} />
      {badCursor && (
        <p className="mb-3 text-sm text-amber-700">That page link was not valid; showing the newest runs.</p>
      )}
      <Card>
        {page.data.length === 0 ? (
          <EmptyState title={filtered ? 'No runs match these filters' : 'No runs yet'}>
            {filtered
              ? 'Try a wider time range or clear a filter.'
              : 'Runs appear here as soon as an agent records one through the API or the SDK.'}
          </EmptyState>
        ) : (
          <RunsTable runs={page.data} />
        )}
        <div className="flex items-center justify-between gap-2 px-4 py-2.5 text-sm text-zinc-500">
          <span>{page.data.length} runs on this page</span>
          <div className="flex gap-2">
            <ButtonLink
              size="sm"
              href={page.prevCursor ? href(page.prevCursor) : '#'}
              disabled={!page.prevCursor}
            >
              ← Newer
            </ButtonLink>
            <ButtonLink
              size="sm"
              href={page.nextCursor ? href(page.nextCursor) : '#'}
              disabled={!page.nextCursor}
            >
              Older →
            </ButtonLink>
          </div>
        </div>
      </Card>
    </div>
  );
}
