import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { addSection, toSectionDto } from '@/server/reports';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.addSection, async ({ projectId, params, body }) => {
  return {
    status: 201,
    body: { section: toSectionDto(await addSection(getDb(), projectId, params.id, body)) },
  };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
