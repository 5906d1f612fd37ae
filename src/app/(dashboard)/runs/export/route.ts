import { createLoader } from 'nuqs/server';
import { getDb } from '@/db/client';
import { isAppError } from '@/server/errors';
import { exportContentType, exportRuns, exportStream } from '@/server/export';
import { projectFor } from '../../_lib/project';
import { filtersFromParams, metaFromSearchParams, runsSearchParams } from '../search-params';

const load = createLoader(runsSearchParams);

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
  const params = load(url.searchParams);
  const format = url.searchParams.get('format') === 'jsonl' ? 'jsonl' : 'csv';
  const events = format === 'jsonl' && url.searchParams.get('events') === '1';
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
