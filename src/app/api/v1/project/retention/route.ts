import { getDb } from '@/db/client';
import { putRetentionBody } from '@/lib/contract';
import { getRetention, putRetention } from '@/server/retention';
import { apiRoute, json, otherMethods } from '../../_lib/route';

export const GET = apiRoute({}, async ({ projectId }) => {
  return json({ retention: await getRetention(getDb(), projectId) });
});

/** Replaces both settings; the background job applies them on its next pass. */
export const PUT = apiRoute({ body: putRetentionBody }, async ({ projectId, body }) => {
  return json({ retention: await putRetention(getDb(), projectId, body) });
});

const other = otherMethods('GET', 'PUT');
export const POST = other.POST;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
