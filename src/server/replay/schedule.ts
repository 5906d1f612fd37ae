import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { ReplayBase } from '@/lib/replay/transcript';
import { ensureCheckpoints } from './checkpoints';

const DELAY_MS = 500;
/** Runs with a pass under way (value: another pass was asked for meanwhile). */
const running = new Map<string, boolean>();
/** The last checkpoint a pass wrote, kept while more passes follow (the next starts from it). */
const last = new Map<string, ReplayBase>();

/**
 * After an append: fold the run's new events into checkpoints in the background, one pass per run at
 * a time (a request during a pass runs one more after it), so a `?seq=` link finds them ready. A pass
 * lost or skipped costs only speed: the page folds what is missing when it needs it.
 */
export function scheduleCheckpoints(db: DbOrTx, runId: string) {
  if (running.has(runId)) {
    running.set(runId, true);
    return;
  }
  running.set(runId, false);
  const pass = () => {
    ensureCheckpoints(db, runId, undefined, last.get(runId) ?? null)
      .then((r) => (r.last ? last.set(runId, r.last) : last.delete(runId)))
      .catch((err) => console.error('[runledger] transcript checkpoints failed', runId, err))
      .finally(() => {
        if (running.get(runId)) {
          running.set(runId, false);
          setTimeout(pass, DELAY_MS).unref?.();
        } else {
          running.delete(runId);
          last.delete(runId);
        }
      });
  };
  setTimeout(pass, DELAY_MS).unref?.();
}
