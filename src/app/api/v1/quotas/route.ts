import { getDb } from '@/db/client';
import { putQuotaBody } from '@/lib/contract';
import { listQuotas, putQuota } from '@/server/usage';
import { apiRoute, json } from '../_lib/route';

/** Upsert on subject + metric + window: the same call again changes the limit or mode in place. */
export const PUT = apiRoute({ body: putQuotaBody }, async ({ projectId, body }) => {
  return json({ quota: await putQuota(getDb(), projectId, body) });
});

export const GET = apiRoute({}, async ({ projectId }) => {
  return json({ data: await listQuotas(getDb(), projectId) });
});
