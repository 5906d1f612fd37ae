import { createLoader } from 'nuqs/server';
import { getDb } from '@/db/client';
import { exportContentType, exportRuns, exportStream } from '@/server/export';
import { dashboardContext } from '../../_lib/project';
import { filtersFromParams, metaFromSearchParams, runsSearchParams } from '../search-params';

const load = createLoader(runsSearchParams);

/** The dashboard's download: the history as filtered on /runs (same URL parameters), streamed. */
export async function GET(request: Request): Promise<Response> {
  const { project } = await dashboardContext();
  if (!project) return new Response('No project', { status: 404 });
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
