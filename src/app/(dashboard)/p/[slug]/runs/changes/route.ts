import { z } from 'zod';
import { getDb } from '@/db/client';
import { uuid } from '@/lib/contract/common';
import { runsChangeMarker } from '@/server/runs';
import { projectRoute } from '@/app/(dashboard)/_lib/route';

/** The runs a page watches (its running and queued ones), comma-separated: at most a page's worth. */
const changesQuery = z.object({
  ids: z
    .string()
    .max(100 * 37)
    .transform((s) => (s ? s.split(',') : []))
    .pipe(z.array(uuid).max(100)),
});

/**
 * The change marker of the runs a dashboard page shows (AutoRefresh asks it; the page re-renders only
 * when it moved): a few primary-key lookups, never the page's own queries.
 */
export const GET = projectRoute(
  { min: 'viewer', query: changesQuery, signedOut: 'unauthorized' },
  async ({ project, query }) =>
    Response.json(
      { marker: await runsChangeMarker(getDb(), project.id, query.ids) },
      { headers: { 'cache-control': 'no-store' } },
    ),
);
