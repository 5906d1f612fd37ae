import { FilterDrawer } from '@/app/(dashboard)/_components/filter-drawer';
import type { Metadata } from 'next';
import Link from 'next/link';
import { createSearchParamsCache, createSerializer, type SearchParams } from 'nuqs/server';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { dashboardRead } from '@/app/_lib/read-db';
import { AppError } from '@/server/errors';
import { searchWords } from '@/lib/search-highlight';
import { listRunModels, listRuns, type RunPage } from '@/server/runs';
import { firstContentMatches, recentMetadataKeys } from '@/server/search';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { hasRole, projectPath } from '@/lib/project-path';
import { RunFilters } from './filters';
import { LiveRefresh } from './live-refresh';
import { RunsPageFooter } from './runs-page-footer';
import { MetaFilter } from './meta-filter';
import { RunsTable } from './runs-table';
import { ScoreFilter } from './score-filter';
import { scoreColumnsOf, scoreHistoryState, scoreSearchString } from './score-history';
import { listRunsByScore } from '@/server/scores';
import { filtersFromParams, metaFromSearchParams, metaSearchString, runsSearchParams } from './search-params';

export const metadata: Metadata = { title: 'Runs · runledger' };

const cache = createSearchParamsCache(runsSearchParams);
const serialize = createSerializer(runsSearchParams);
const PAGE_SIZE = 50;

export default async function RunsPage({
  params: route,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const ctx = await requireProject((await route).slug, 'runs');
  const raw = await searchParams;
  const params = cache.parse(raw);
  const meta = metaFromSearchParams(raw);
  // History and search read the replica when one is configured (src/app/_lib/read-db.ts).
  const { scoring, badCursor, page, scoreColumns, search, models, metaKeys } = await dashboardRead(
    async (db) => {
      const scoring = await scoreHistoryState(db, ctx.project.id, raw);
      const filters = { ...filtersFromParams(params, meta), scores: scoring.conditions };
      const list = (cursor?: string) =>
        scoring.sort
          ? listRunsByScore(db, ctx.project.id, filters, scoring.sort, { limit: PAGE_SIZE, cursor }).then(
              (p): RunPage => ({ ...p, prevCursor: null }),
            )
          : listRuns(db, ctx.project.id, filters, { limit: PAGE_SIZE, cursor });
      // The list, the model facet (a small summary table) and the recent metadata keys are read in
      // parallel. A hand-edited cursor shows the first page rather than an error.
      const [cursorPage, models, metaKeys] = await Promise.all([
        list(params.cursor ?? undefined).catch((err) => {
          if (err instanceof AppError && err.code === 'bad_request') return null;
          throw err;
        }),
        listRunModels(db, ctx.project.id),
        recentMetadataKeys(db, ctx.project.id),
      ]);
      const badCursor = cursorPage === null;
      const page: RunPage = cursorPage ?? (await list());
      const scoreColumns = await scoreColumnsOf(db, ctx.project.id, page.data, scoring.columns);
      const search = filters.q
        ? {
            words: searchWords(filters.q),
            matches: await firstContentMatches(
              db,
              ctx.project.id,
              page.data.map((r) => r.id),
              filters.q,
            ),
          }
        : undefined;
      return { scoring, badCursor, page, scoreColumns, search, models, metaKeys };
    },
  );
  const filtered =
    Object.keys(meta).length > 0 ||
    scoring.conditions.length > 0 ||
    Object.entries(params).some(([k, v]) => k !== 'cursor' && v !== null);
  const metaQuery = [metaSearchString(meta), scoreSearchString(raw.score, raw.sort)]
    .filter(Boolean)
    .join('&');
  const href = (cursor: string) =>
    `${projectPath(ctx.project.slug, 'runs')}${serialize({ ...params, cursor })}${metaQuery ? `&${metaQuery}` : ''}`;
  const exportQuery = `${serialize({ ...params, cursor: null }).replace(/^\?/, '')}${metaQuery ? `&${metaQuery}` : ''}`;

  return (
    <div>
      <PageHeader
        title="Runs"
        actions={
          hasRole(ctx.project.role, 'editor') && (
            <Link
              className="text-sm text-blue-700 hover:underline"
              href={`${projectPath(ctx.project.slug, 'review')}?from=${encodeURIComponent(exportQuery)}`}
            >
              Review these runs
            </Link>
          )
        }
        description={
          <span className="inline-flex items-center gap-3">
            Every chat turn, workflow and dataset run of {ctx.project.name}, newest first.
            <LiveRefresh slug={ctx.project.slug} projectId={ctx.project.id} runs={page.data} />
          </span>
        }
      />
      <FilterDrawer>
        <RunFilters models={models} />
        <MetaFilter keys={metaKeys} />
        <ScoreFilter names={scoring.names} />
      </FilterDrawer>
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
          <RunsTable
            slug={ctx.project.slug}
            runs={page.data}
            search={search}
            selectable
            scoreColumns={scoreColumns}
          />
        )}
        <RunsPageFooter
          slug={ctx.project.slug}
          count={page.data.length}
          exportQuery={exportQuery}
          newer={page.prevCursor ? href(page.prevCursor) : null}
          older={page.nextCursor ? href(page.nextCursor) : null}
        />
      </Card>
    </div>
  );
}
