import { getDb } from '@/db/client';
import type { Run } from '@/db/schema';
import { anyLive, staleBefore } from '@/lib/run-liveness';
import { runsChangeMarker, watchedRunIds } from '@/server/runs';
import { AutoRefresh } from './auto-refresh';

/**
 * Keeps a page of runs current: when it shows runs still running or queued, their change marker as
 * rendered and the watcher that refreshes the page when it moves (AutoRefresh). Nothing otherwise.
 */
export async function LiveRefresh({
  slug,
  projectId,
  runs,
}: {
  slug: string;
  projectId: string;
  runs: Pick<Run, 'id' | 'status' | 'updatedAt'>[];
}) {
  const ids = watchedRunIds(runs);
  if (ids.length === 0) return null;
  const marker = await runsChangeMarker(getDb(), projectId, ids);
  return <AutoRefresh slug={slug} runIds={ids} marker={marker} live={anyLive(runs, staleBefore())} />;
}
