import { getDb } from '@/db/client';
import { appendEventsBody, listEventsQuery } from '@/lib/contract';
import { appendEvents, listEvents, toEventDto } from '@/server/events';
import { idParams } from '../../../_lib/params';
import { apiRoute, json, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(
  { params: idParams, body: appendEventsBody },
  async ({ projectId, params, body }) => {
    return json(await appendEvents(getDb(), projectId, params.id, body.events));
  },
);

export const GET = apiRoute(
  { params: idParams, query: listEventsQuery },
  async ({ projectId, params, query }) => {
    const page = await listEvents(getDb(), projectId, params.id, query);
    return json({ data: page.data.map(toEventDto), nextCursor: page.nextCursor });
  },
);

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
