import { getDb } from '@/db/client';
import { usageSeriesQuery } from '@/lib/contract';
import { usageSeries } from '@/server/usage';
import { apiRoute, json } from '../../_lib/route';

export const GET = apiRoute({ query: usageSeriesQuery }, async ({ projectId, query }) => {
  return json(await usageSeries(getDb(), projectId, query));
});
