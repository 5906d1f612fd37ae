import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { downloadHeaders, exportRuns, exportStream } from '@/server/export';
import { apiRoute, otherMethods } from '../../_lib/route';

/** The filtered history as a streamed CSV or JSONL download (constant memory: keyset pages on demand). */
export const GET = apiRoute(routes.exportRuns, async ({ projectId, query }) => {
  const { format, events, ...filters } = query;
  return {
    status: 200,
    body: await exportStream(exportRuns(getDb(), projectId, filters, { format, events })),
    headers: downloadHeaders(format, 'runs'),
  };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
