import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { listAudit } from '@/server/audit';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listAudit, async ({ projectId, query }) => {
  const page = await listAudit(getDb(), projectId, query);
  return {
    status: 200,
    body: {
      data: page.data.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        actor: { id: e.actorId, email: e.actorEmail, name: e.actorName },
        action: e.action,
        target: e.target,
        before: e.before,
        after: e.after,
      })),
      nextCursor: page.nextCursor,
    },
  };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
