import { getDb } from '@/db/client';
import { listAuditQuery } from '@/lib/contract';
import { listAudit } from '@/server/audit';
import { apiRoute, json, otherMethods } from '../_lib/route';

export const GET = apiRoute({ query: listAuditQuery }, async ({ projectId, query }) => {
  const page = await listAudit(getDb(), projectId, query);
  return json({
    data: page.data.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor: { id: e.actorId, email: e.actorEmail },
      action: e.action,
      target: e.target,
      before: e.before,
      after: e.after,
    })),
    nextCursor: page.nextCursor,
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
