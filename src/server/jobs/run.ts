import 'server-only';
import type { DbOrTx } from '@/db/client';
import { finishPass, type LeaseOptions, release, renew, tryAcquire } from './leases';

export type Held = {
  /** Aborted when the lease was lost (another process took it over): stop writing. */
  signal: AbortSignal;
};

/**
 * Runs `work` under the named lease, renewed every third of its time while the work runs. Returns
 * false, without running it, when another process holds the lease. When the work ends the lease is
 * released (one-off unit) or held until `nextDueAt` (a periodic job's pass); a pass that throws
 * leaves it expired, so another process (or the next tick) tries again.
 */
export async function withLease(
  db: () => DbOrTx,
  name: string,
  opts: LeaseOptions & { nextDueAt?: (start: Date) => Date },
  work: (held: Held) => Promise<void>,
): Promise<boolean> {
  if (!(await tryAcquire(db(), name, opts))) return false;
  const start = opts.now();
  const lost = new AbortController();
  const renewal = setInterval(
    () => {
      renew(db(), name, opts).then(
        (held) => {
          if (!held) lost.abort();
        },
        (err) => console.error(`[runledger] job ${name}: lease renewal failed`, err),
      );
    },
    Math.max(10, Math.floor(opts.ttlMs / 3)),
  );
  renewal.unref();
  let ok = false;
  try {
    await work({ signal: lost.signal });
    ok = true;
  } finally {
    clearInterval(renewal);
    if (!lost.signal.aborted) {
      if (!opts.nextDueAt) await release(db(), name, opts.holder);
      else await finishPass(db(), name, opts.holder, ok ? opts.nextDueAt(start) : opts.now(), opts.now(), ok);
    }
  }
  return true;
}
