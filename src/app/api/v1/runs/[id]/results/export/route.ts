import { getDb } from '@/db/client';
import { exportResultsQuery } from '@/lib/contract';
import { exportContentType, exportResults, exportStream } from '@/server/export';
import { idParams } from '../../../../_lib/params';
import { apiRoute, otherMethods } from '../../../../_lib/route';

/** A dataset run's results as a streamed CSV or JSONL download. */
export const GET = apiRoute(
  { params: idParams, query: exportResultsQuery },
  async ({ projectId, params, query }) => {
    const body = await exportStream(exportResults(getDb(), projectId, params.id, { format: query.format }));
    return new Response(body, {
      headers: {
        'content-type': exportContentType(query.format),
        'content-disposition': `attachment; filename="results-${params.id}.${query.format}"`,
        'cache-control': 'no-store',
      },
    });
  },
);

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
