import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { dashboardRead } from '@/app/_lib/read-db';
import { getDb } from '@/db/client';
import { listEvents } from '@/server/events';
import { trimBase } from '@/features/replay/lib/trim';
import { replayStateAt } from '@/features/replay/server';
import { listRunReports } from '@/server/reports';
import { hasRole } from '@/server/access';
import { isAppError } from '@/server/errors';
import { projectRun, requireProject } from '@/app/(dashboard)/_lib/project';
import { LiveRefresh } from '../live-refresh';
import { DatasetResults } from './dataset-results';
import { DeleteRunButton } from './delete-run-button';
import { RunReplay } from './run-replay';
import { toReplayEvents } from '@/features/replay/server/replay-events';
import { RunHeader } from './run-header';
import { runScoring } from './scoring/load';
import { ScoreChips } from './scoring/score-chips';
import { QueueBar } from './queue-bar';
import { getAnnotationQueue } from '@/server/annotation';
import { projectPath } from '@/lib/project-path';

/** The run is not the project's: `projectRun` says so (null), the checkpoint and report lookups throw. */
function notFoundAsNull(err: unknown): null {
  if (isAppError(err) && err.code === 'not_found') return null;
  throw err;
}

export const metadata: Metadata = { title: 'Run · runledger' };

/**
 * Server-rendered so the first paint has a transcript; the replay fetches the rest on demand. At
 * `?seq=N` the page starts from the replay's state BEFORE_SEQ events before N, folded on the server
 * (its transcript checkpoint at or before that plus the events after it), so a late moment needs
 * neither the events before it nor their fold in the browser.
 */
const FIRST_PAGE = 400;
/** At `?seq=N`: the events sent before N (the replay starts there: a screenful of the event list). */
const BEFORE_SEQ = 50;
/** At `?seq=N`: the events sent after N; the rest streams in behind the first paint. */
const AFTER_SEQ = 20;
/**
 * At `?seq=N`: the checkpoint's open message is sent from its last parts this many before the moment
 * (a screenful and more); the earlier ones are fetched if the reader scrolls back to them.
 */
const BASE_PARTS = 120;
/** A run ended this long ago reads from the replica (its events have all reached it by then). */
const SETTLED_MS = 60_000;

export default async function RunPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug, id } = await params;
  const ctx = await requireProject(slug, 'run');
  if (!z.uuid().safeParse(id).success) notFound();
  const db = getDb();
  // A run of another project is not found here, whichever projects the user may see (every query
  // below is scoped to the project, so they can run side by side).
  const projectId = ctx.project.id;
  const sp = await searchParams;
  const seq = typeof sp.seq === 'string' && /^\d{1,9}$/.test(sp.seq) ? Number(sp.seq) : null;
  // Opened from an annotation queue (`?queue=…&item=…`): the queue bar, for editors.
  const queueId = typeof sp.queue === 'string' && z.uuid().safeParse(sp.queue).success ? sp.queue : null;
  const itemId = typeof sp.item === 'string' && z.uuid().safeParse(sp.item).success ? sp.item : null;
  // The run from the primary: its status decides where the rest is read. The replay of a run that
  // ended over a minute ago reads the replica when one is configured (src/app/_lib/read-db.ts); a
  // live or just-ended run's, the primary (its last events may not have reached the replica yet).
  const [run, queue] = await Promise.all([
    projectRun(projectId, id),
    queueId && itemId && hasRole(ctx.project.role, 'editor')
      ? getAnnotationQueue(db, projectId, queueId).catch(notFoundAsNull)
      : null,
  ]);
  if (!run) notFound();
  const live = run.status === 'running' || run.status === 'queued';
  const settled = !live && run.endedAt !== null && Date.now() - new Date(run.endedAt).getTime() > SETTLED_MS;
  const { base, reports, scoring, eventsPage } = await dashboardRead(
    async (rdb) => {
      const [base, reports, scoring] = await Promise.all([
        seq === null
          ? null
          : replayStateAt(rdb, projectId, id, Math.max(0, seq - BEFORE_SEQ)).catch(notFoundAsNull),
        listRunReports(rdb, projectId, id).catch(notFoundAsNull),
        runScoring(rdb, ctx, id),
      ]);
      const afterSeq = base?.seq ?? -1;
      // The first screen only: a screenful from the start, or the events up to the moment asked for.
      const limit =
        seq === null ? FIRST_PAGE : Math.max(1, Math.min(FIRST_PAGE * 3, seq - afterSeq + AFTER_SEQ));
      const eventsPage = await listEvents(rdb, projectId, run.id, { afterSeq, limit });
      return { base, reports, scoring, eventsPage };
    },
    { primary: !settled },
  );
  if (!reports) notFound();
  const initialEvents = toReplayEvents(eventsPage.data);
  const resultsFilter = sp.results === 'failed' ? 'failed' : undefined;
  const rcursor = typeof sp.rcursor === 'string' ? sp.rcursor : undefined;

  return (
    <div>
      {queue && itemId && (
        <QueueBar
          queueId={queue.id}
          itemId={itemId}
          queueName={queue.name}
          left={queue.progress.pending}
          href={projectPath(slug, 'review', queue.id)}
        />
      )}
      <RunHeader slug={slug} run={run} scores={<ScoreChips scores={scoring.scores} />} />
      {hasRole(ctx.project.role, 'editor') && (
        <div className="-mt-3 mb-3 flex justify-end">
          <DeleteRunButton runId={run.id} />
        </div>
      )}
      {live && (
        <div className="-mt-3 mb-3">
          <LiveRefresh slug={slug} projectId={projectId} runs={[run]} />
        </div>
      )}
      {run.kind === 'dataset' && (
        <DatasetResults slug={slug} run={run} projectId={projectId} status={resultsFilter} cursor={rcursor} />
      )}
      <RunReplay
        // A link to another moment of a finished run may start from another checkpoint (a live run's
        // refreshes keep the replay as it is).
        key={live || !base ? run.id : `${run.id}:${base.seq}`}
        runId={run.id}
        base={base && trimBase(base, BASE_PARTS)}
        initialEvents={initialEvents}
        initialDone={eventsPage.nextCursor === null}
        totalEvents={run.eventCount}
        reports={reports}
        live={live}
        scoring={scoring}
      />
    </div>
  );
}
