import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { ReplayBase } from '@/features/replay/lib/transcript';
import { leaseOptions } from '@/server/jobs/options';
import { withLease } from '@/server/jobs/run';
import { CHECKPOINT_EVERY, ensureCheckpoints } from './checkpoints';

/** A run's checkpoints are folded once it has had no append for this long… */
const QUIET_MS = 1000;
/** …or, for a run that keeps streaming, at least this often. */
const MAX_WAIT_MS = 5000;
/**
 * Runs shorter than this are not folded in the background: a `?seq=` link folds what it needs on
 * demand (replayBaseAt), at most this many events, a few milliseconds of server time, while the
 * background pass would read every event of every short run back once more, most of them never
 * opened at a `?seq=`.
 */
export const BACKGROUND_FOLD_FROM = 5 * CHECKPOINT_EVERY;
/** A run's key in the maps below and in its lease's name: `<project id>:<run id>` (run ids are per project). */
type RunKey = `${string}:${string}`;
const runKey = (projectId: string, runId: string): RunKey => `${projectId}:${runId}`;

/** Runs waiting for their quiet period: the timer, and when the first unfolded append came. */
const pending = new Map<RunKey, { timer: ReturnType<typeof setTimeout>; since: number }>();
/** Runs with a pass under way (value: another pass was asked for meanwhile). */
const running = new Map<RunKey, boolean>();
/** The last checkpoint a pass wrote, kept while more passes follow (the next starts from it). */
const last = new Map<RunKey, ReplayBase>();

/**
 * After an append that left the run with `eventCount` events: fold its new events into checkpoints in
 * the background (from BACKGROUND_FOLD_FROM events on) once the run goes quiet
 * (or every few seconds while it streams), one pass per run at a time, so a `?seq=` link finds them
 * ready. Waiting for a quiet moment keeps the fold (a read of the new events and a write) off the
 * ingest's busiest time and folds a streaming run in larger steps. A pass lost or skipped costs only
 * speed: the page folds what is missing when it needs it.
 */
export function scheduleCheckpoints(db: DbOrTx, projectId: string, runId: string, eventCount: number) {
  if (eventCount < BACKGROUND_FOLD_FROM) return;
  const key = runKey(projectId, runId);
  const now = Date.now();
  const waiting = pending.get(key);
  if (waiting) clearTimeout(waiting.timer);
  const since = waiting?.since ?? now;
  const timer = setTimeout(
    () => {
      pending.delete(key);
      startPass(db, key);
    },
    Math.max(0, Math.min(QUIET_MS, since + MAX_WAIT_MS - now)),
  );
  timer.unref?.();
  pending.set(key, { timer, since });
}

function scheduleRetry(db: DbOrTx, key: RunKey) {
  if (pending.has(key)) return;
  const timer = setTimeout(() => {
    pending.delete(key);
    startPass(db, key);
  }, MAX_WAIT_MS);
  timer.unref?.();
  pending.set(key, { timer, since: Date.now() });
}

/** The project and run of a lease's unit key; null for a key of another form (nothing to resume). */
function parseKey(key: string): { projectId: string; runId: string } | null {
  const [projectId, runId, ...rest] = key.split(':');
  return projectId && runId && rest.length === 0 ? { projectId, runId } : null;
}

/**
 * A fold of a run whose process stopped mid-pass (the job sweeper's unit of work, `<project>:<run>`).
 * False when there was nothing left to fold (another process finished it after the sweeper listed it).
 */
export async function resumeCheckpoints(db: DbOrTx, key: string): Promise<boolean> {
  const run = parseKey(key);
  return run ? (await ensureCheckpoints(db, run.projectId, run.runId)).written > 0 : false;
}

function startPass(db: DbOrTx, key: RunKey) {
  if (running.has(key)) {
    running.set(key, true);
    return;
  }
  running.set(key, false);
  const { projectId, runId } = parseKey(key)!;
  const pass = () => {
    // Under the run's lease: one process folds a run at a time (its appends may reach several).
    withLease(
      () => db,
      `checkpoints:${key}`,
      leaseOptions(),
      async () => {
        const r = await ensureCheckpoints(db, projectId, runId, undefined, last.get(key) ?? null);
        if (r.last) last.set(key, r.last);
        else last.delete(key);
      },
    )
      .then((ran) => {
        // Another process is folding this run: look again once it may be done.
        if (!ran) scheduleRetry(db, key);
      })
      .catch((err) => console.error('[runledger] transcript checkpoints failed', runId, err))
      .finally(() => {
        if (running.get(key)) {
          running.set(key, false);
          pass();
        } else {
          running.delete(key);
          // Kept while the run streams on (another pass is due): the next pass starts from it.
          if (!pending.has(key)) last.delete(key);
        }
      });
  };
  pass();
}
