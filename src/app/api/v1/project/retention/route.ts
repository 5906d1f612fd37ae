import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { setRetentionAudited } from '@/server/retention/audited';
import { getRetention } from '@/server/retention';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getRetention, async ({ projectId }) => ({
  status: 200,
  body: { retention: await getRetention(getDb(), projectId) },
}));

/** Replaces both settings; the background job applies them on its next pass. */
export const PUT = apiRoute(routes.putRetention, async ({ projectId, actor, body }) => ({
  status: 200,
  body: { retention: await setRetentionAudited(getDb(), { projectId, actor }, body) },
}));

const other = otherMethods('GET', 'PUT');
export const POST = other.POST;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
