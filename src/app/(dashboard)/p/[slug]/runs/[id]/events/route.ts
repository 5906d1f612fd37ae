import { z } from 'zod';
import { getDb } from '@/db/client';
import { MAX_INT32 } from '@/lib/contract/common';
import { AppError } from '@/server/errors';
import { listEventsBetween } from '@/features/replay/server';
import { projectRoute } from '@/app/(dashboard)/_lib/route';
import { toReplayEvents } from '@/features/replay/server/replay-events';

const rangeQuery = z
  .object({
    from: z.coerce.number().int().min(0).max(MAX_INT32),
    to: z.coerce.number().int().min(0).max(MAX_INT32),
  })
  .refine((v) => v.to >= v.from, { message: 'to must not be below from', path: ['to'] });

/**
 * The run's events with from <= seq <= to (at most EVENT_RANGE_MAX), as JSON: the replay's payload
 * window fetching what it dropped. A GET, not a server action: these run side by side with the page's
 * loading and skip the router's action queue. Viewers of the run's project only; anything else is 404.
 */
export const GET = projectRoute(
  { min: 'viewer', query: rangeQuery, signedOut: 'unauthorized' },
  async ({ project, query, params }) => {
    if (!z.uuid().safeParse(params.id).success) throw new AppError('not_found', 'Run not found');
    const rows = await listEventsBetween(getDb(), project.id, params.id!, {
      fromSeq: query.from,
      toSeq: query.to,
    });
    return Response.json(
      { events: toReplayEvents(rows) },
      { headers: { 'cache-control': 'private, no-store' } },
    );
  },
);
