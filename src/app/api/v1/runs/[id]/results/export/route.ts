import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { downloadHeaders, exportResults, exportStream } from '@/server/export';
import { apiRoute, otherMethods } from '../../../../_lib/route';

/** A dataset run's results as a streamed CSV or JSONL download. */
export const GET = apiRoute(routes.exportResults, async ({ projectId, params, query }) => ({
  status: 200,
  body: await exportStream(exportResults(getDb(), projectId, params.id, { format: query.format })),
  headers: downloadHeaders(query.format, `results-${params.id}`),
}));

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
