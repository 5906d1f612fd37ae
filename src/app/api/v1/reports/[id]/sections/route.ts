import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { addSectionAudited } from '@/server/reports/audited';
import { toSectionDto } from '@/server/reports';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.addSection, async ({ projectId, actor, params, body }) => {
  const section = await addSectionAudited(getDb(), { projectId, actor }, params.id, body);
  return { status: 201, body: { section: toSectionDto(section) } };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
