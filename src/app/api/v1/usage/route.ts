import { getDb } from '@/db/client';
import { getUsageQuery, recordUsageBody } from '@/lib/contract';
import { getUsage, recordUsage } from '@/server/usage';
import { apiRoute, json } from '../_lib/route';

/** Records usage against every hard quota at once; over a limit the domain throws the 429 with its headers. */
export const POST = apiRoute({ body: recordUsageBody }, async ({ projectId, body }) => {
  return json(await recordUsage(getDb(), projectId, body));
});

export const GET = apiRoute({ query: getUsageQuery }, async ({ projectId, query }) => {
  return json(await getUsage(getDb(), projectId, query));
});
