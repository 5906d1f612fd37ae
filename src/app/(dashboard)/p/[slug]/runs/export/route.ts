import { createLoader } from 'nuqs/server';
import { z } from 'zod';
import { dashboardDb } from '@/app/_lib/read-db';
import { exportRunsQuery, runKind, runStatus } from '@/lib/contract/runs';
import { scoreConditionsFrom } from '@/lib/score-filters';
import { downloadHeaders, exportRuns, exportStream } from '@/server/export';
import { projectRoute } from '@/app/(dashboard)/_lib/route';
import { filtersFromParams, metaFromSearchParams, runsSearchParams, timeRanges } from '../search-params';

const load = createLoader(runsSearchParams);

/**
 * What the download accepts, checked before anything is read: a value the page's loader would quietly
 * drop (an unknown status, a bad format, a meta filter past the limits) would widen the export, so it is
 * refused instead. The format, events and meta rules are the API export's own.
 */
const downloadQuery = z.object({
  status: runStatus.optional(),
  kind: runKind.optional(),
  range: z.enum(timeRanges).optional(),
  format: exportRunsQuery.shape.format,
  events: exportRunsQuery.shape.events,
  meta: exportRunsQuery.shape.meta,
});

/**
 * The dashboard's download: the history as filtered on /runs (same URL parameters, score filters
 * included), newest first, with each run's scores, streamed.
 */
export const GET = projectRoute(
  { min: 'viewer', query: downloadQuery, signedOut: 'login' },
  async ({ project, query, request }) => {
    const url = new URL(request.url);
    const { format } = query;
    const events = format === 'jsonl' && query.events === true;
    const meta = metaFromSearchParams(Object.fromEntries(url.searchParams));
    const filters = {
      ...filtersFromParams(load(url.searchParams), meta),
      scores: scoreConditionsFrom(url.searchParams.getAll('score')),
    };
    // Exports read the replica when one is configured (src/app/_lib/read-db.ts).
    const db = await dashboardDb();
    const body = await exportStream(exportRuns(db, project.id, filters, { format, events, scores: true }));
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(body, { headers: downloadHeaders(format, `runs-${project.slug}-${stamp}`) });
  },
);
