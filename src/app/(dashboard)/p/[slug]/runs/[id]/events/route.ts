import { z } from 'zod';
import { getDb } from '@/db/client';
import { isAppError } from '@/server/errors';
import { listEventsBetween } from '@/server/replay';
import { requireProjectRole } from '@/server/access';
import { currentUser } from '@/app/_lib/auth';
import { toReplayEvents } from '../replay-events';

/** The largest seq (an int4 column): a larger bound is a bad request, not a database error. */
const MAX_SEQ = 2_147_483_647;

const rangeQuery = z
  .object({
    from: z.coerce.number().int().min(0).max(MAX_SEQ),
    to: z.coerce.number().int().min(0).max(MAX_SEQ),
  })
  .refine((v) => v.to >= v.from, { message: 'to must not be below from', path: ['to'] });

/**
 * The run's events with from <= seq <= to (at most EVENT_RANGE_MAX), as JSON: the replay's payload
 * window fetching what it dropped. A GET, not a server action: these run side by side with the page's
 * loading and skip the router's action queue. Viewers of the run's project only; anything else is 404.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ slug: string; id: string }> },
): Promise<Response> {
  const { slug, id } = await params;
  const query = rangeQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success || !z.uuid().safeParse(id).success) {
    return Response.json({ error: { code: 'bad_request', message: 'Invalid event range' } }, { status: 400 });
  }
  try {
    // The session and the role in the address's project: two lookups (a scrub waits for this answer).
    const user = await currentUser();
    if (!user) return Response.json({ error: { code: 'unauthorized', message: 'Sign in' } }, { status: 401 });
    const { project } = await requireProjectRole(getDb(), user.actor, { slug }, 'viewer');
    const rows = await listEventsBetween(getDb(), project.id, id, {
      fromSeq: query.data.from,
      toSeq: query.data.to,
    });
    return Response.json(
      { events: toReplayEvents(rows) },
      { headers: { 'cache-control': 'private, no-store' } },
    );
  } catch (err) {
    if (isAppError(err)) {
      return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status });
    }
    throw err;
  }
}
