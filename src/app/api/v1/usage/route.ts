import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { getUsage, recordUsage } from '@/server/usage';
import { apiRoute } from '../_lib/route';

/** Records usage against every hard quota at once; over a limit the domain throws the 429 with its headers. */
export const POST = apiRoute(routes.recordUsage, async ({ projectId, body }) => {
  return { status: 200, body: await recordUsage(getDb(), projectId, body) };
});

export const GET = apiRoute(routes.getUsage, async ({ projectId, query }) => {
  return { status: 200, body: await getUsage(getDb(), projectId, query) };
});
