import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { appendEvents, listEvents, toEventDto } from '@/server/events';
import { scheduleCheckpoints } from '@/features/replay/server';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.appendEvents, async ({ projectId, params, body, rawBody, timing }) => {
  // The body's JSON text goes to Postgres as it came (the strict schema validated exactly it).
  const { accepted, duplicates, eventCount } = await appendEvents(
    getDb(),
    projectId,
    params.id,
    body.events,
    {
      bodyJson: rawBody ?? undefined,
      timing,
    },
  );
  // The replay's transcript checkpoints follow in the background (src/features/replay/server).
  if (eventCount !== null) scheduleCheckpoints(getDb(), projectId, params.id, eventCount);
  return { status: 200, body: { accepted, duplicates } };
});

export const GET = apiRoute(routes.listEvents, async ({ projectId, params, query }) => {
  const page = await listEvents(getDb(), projectId, params.id, query);
  return { status: 200, body: { data: page.data.map(toEventDto), nextCursor: page.nextCursor } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
