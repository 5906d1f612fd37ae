import { createLoader } from 'nuqs/server';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { exportRunsQuery, runKind, runStatus } from '@/lib/contract/runs';
import { nestDottedParams } from '@/lib/contract/route';
import { isAppError } from '@/server/errors';
import { exportContentType, exportRuns, exportStream } from '@/server/export';
import { projectFor } from '@/app/(dashboard)/_lib/project';
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

/** The dashboard's download: the history as filtered on /runs (same URL parameters), streamed. */
export async function GET(request: Request): Promise<Response> {
  // Signed in (else to /login), a member of the current project with at least the viewer role,
  // checked against the database; anything else answers like an unknown project.
  let project: Awaited<ReturnType<typeof projectFor>>['project'];
  try {
    project = (await projectFor('viewer')).project;
  } catch (err) {
    if (isAppError(err)) return new Response(err.message, { status: err.status });
    throw err;
  }
  const url = new URL(request.url);
  const checked = downloadQuery.safeParse(nestDottedParams(Object.fromEntries(url.searchParams)));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const message = `Invalid export parameters${issue?.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue?.message}`;
    return Response.json({ error: { code: 'bad_request', message } }, { status: 400 });
  }
  const params = load(url.searchParams);
  const { format } = checked.data;
  const events = format === 'jsonl' && checked.data.events === true;
  const meta = metaFromSearchParams(Object.fromEntries(url.searchParams));
  const filters = filtersFromParams(params, meta);
  const body = await exportStream(exportRuns(getDb(), project.id, filters, { format, events }));
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': exportContentType(format),
      'content-disposition': `attachment; filename="runs-${project.slug}-${stamp}.${format}"`,
      'cache-control': 'no-store',
    },
  });
}
