import 'server-only';
import type { DbOrTx } from '@/db/client';
import { type LeaseOptions, orphans } from './leases';
import { type Held, withLease } from './run';

type Loop = { checkEveryMs: number; firstAfterMs?: number; onDone?: (name: string) => void };

/** Calls `tick` every `checkEveryMs` (after `firstAfterMs`), one call at a time; unref'd timers. */
function loop(opts: Loop, tick: () => Promise<void>): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick().finally(() => schedule(opts.checkEveryMs));
    }, ms);
    timer.unref();
  };
  schedule(opts.firstAfterMs ?? opts.checkEveryMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * A periodic job shared by every process on the database: each process checks every `checkEveryMs`,
 * and the one that takes the lease runs the pass; the lease is then held until `everyMs` after the
 * pass started, so the pass runs once per period whichever processes are up. A process that dies
 * mid-pass loses the lease after `ttlMs`, and the next check of another process runs the pass again
 * (passes must be safe to repeat). Returns a stop.
 */
export function startPeriodicJob(
  db: () => DbOrTx,
  name: string,
  opts: LeaseOptions & Loop & { everyMs: number },
  pass: (held: Held) => Promise<void>,
): () => void {
  const nextDueAt = (start: Date) => new Date(start.getTime() + opts.everyMs);
  return loop(opts, async () => {
    try {
      if (await withLease(db, name, { ...opts, nextDueAt }, pass)) opts.onDone?.(name);
    } catch (err) {
      console.error(`[runledger] job ${name} failed`, err);
    }
  });
}

/**
 * Resumes one-off units of `kind` whose holder stopped before finishing (their lease ran out): every
 * `checkEveryMs` each is taken over by one process and `resume(key)` runs under its lease. `pending`
 * may list more units to start (e.g. queued jobs no process took yet).
 */
export function startUnitSweeper(
  db: () => DbOrTx,
  kind: string,
  opts: LeaseOptions & Loop & { pending?: () => Promise<string[]> },
  /** Resolves false when the unit had nothing left (another process finished it meanwhile). */
  resume: (key: string, held: Held) => Promise<boolean>,
): () => void {
  return loop(opts, async () => {
    try {
      const keys = new Set([...(await orphans(db(), kind, opts.now())), ...((await opts.pending?.()) ?? [])]);
      for (const key of keys) {
        const name = `${kind}:${key}`;
        let did = false;
        const ran = await withLease(db, name, opts, async (held) => {
          did = await resume(key, held);
        });
        if (ran && did) opts.onDone?.(name);
      }
    } catch (err) {
      console.error(`[runledger] job ${kind} sweep failed`, err);
    }
  });
}
