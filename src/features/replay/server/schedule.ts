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
/** Runs waiting for their quiet period: the timer, and when the first unfolded append came. */
const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; since: number }>();
/** Runs with a pass under way (value: another pass was asked for meanwhile). */
const running = new Map<string, boolean>();
/** The last checkpoint a pass wrote, kept while more passes follow (the next starts from it). */
const last = new Map<string, ReplayBase>();

/**
 * After an append that left the run with `eventCount` events: fold its new events into checkpoints in
 * the background (from BACKGROUND_FOLD_FROM events on) once the run goes quiet
 * (or every few seconds while it streams), one pass per run at a time, so a `?seq=` link finds them
 * ready. Waiting for a quiet moment keeps the fold (a read of the new events and a write) off the
 * ingest's busiest time and folds a streaming run in larger steps. A pass lost or skipped costs only
 * speed: the page folds what is missing when it needs it.
 */
export function scheduleCheckpoints(db: DbOrTx, runId: string, eventCount: number) {
  if (eventCount < BACKGROUND_FOLD_FROM) return;
  const now = Date.now();
  const waiting = pending.get(runId);
  if (waiting) clearTimeout(waiting.timer);
  const since = waiting?.since ?? now;
  const timer = setTimeout(
    () => {
      pending.delete(runId);
      startPass(db, runId);
    },
    Math.max(0, Math.min(QUIET_MS, since + MAX_WAIT_MS - now)),
  );
  timer.unref?.();
  pending.set(runId, { timer, since });
}

function scheduleRetry(db: DbOrTx, runId: string) {
  if (pending.has(runId)) return;
  const timer = setTimeout(() => {
    pending.delete(runId);
    startPass(db, runId);
  }, MAX_WAIT_MS);
  timer.unref?.();
  pending.set(runId, { timer, since: Date.now() });
}

/** A fold of a run whose process stopped mid-pass (the job sweeper's unit of work). */
export async function resumeCheckpoints(db: DbOrTx, runId: string): Promise<void> {
  await ensureCheckpoints(db, runId);
}

function startPass(db: DbOrTx, runId: string) {
  if (running.has(runId)) {
    running.set(runId, true);
    return;
  }
  running.set(runId, false);
  const pass = () => {
    // Under the run's lease: one process folds a run at a time (its appends may reach several).
    withLease(
      () => db,
      `checkpoints:${runId}`,
      leaseOptions(),
      async () => {
        const r = await ensureCheckpoints(db, runId, undefined, last.get(runId) ?? null);
        if (r.last) last.set(runId, r.last);
        else last.delete(runId);
      },
    )
      .then((ran) => {
        // Another process is folding this run: look again once it may be done.
        if (!ran) scheduleRetry(db, runId);
      })
      .catch((err) => console.error('[runledger] transcript checkpoints failed', runId, err))
      .finally(() => {
        if (running.get(runId)) {
          running.set(runId, false);
          pass();
        } else {
          running.delete(runId);
          // Kept while the run streams on (another pass is due): the next pass starts from it.
          if (!pending.has(runId)) last.delete(runId);
        }
      });
  };
  pass();
}
