import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { usageSeries } from '@/server/usage';
import { apiRoute } from '../../_lib/route';

export const GET = apiRoute(routes.usageSeries, async ({ projectId, query }) => {
  return { status: 200, body: await usageSeries(getDb(), projectId, query) };
});
