import 'server-only';
import type { DbOrTx } from '@/db/client';
import { type ProjectPurge, type PurgeOptions, purgeExpired } from './purge';

/** One line per project that lost rows; nothing when a pass deleted nothing. */
export function describePurge(p: ProjectPurge, ms: number): string {
  const parts = [
    p.runs && `${p.runs} runs (${p.events} events, ${p.results} results, ${p.reports} reports)`,
    p.ledger && `${p.ledger} ledger rows (${p.dailyRollups} daily, ${p.hourlyRollups} hourly rollups)`,
    p.counters && `${p.counters} counters of past windows`,
  ].filter(Boolean);
  const abandoned = p.abandoned
    ? `${parts.length ? ', ' : ''}marked ${p.abandoned} stale runs abandoned`
    : '';
  const deleted = parts.length ? `deleted ${parts.join(', ')}` : '';
  return `[runledger] retention: ${p.slug}: ${deleted}${abandoned} in ${p.batches} batches, ${ms} ms`;
}

let running: Promise<ProjectPurge[]> | null = null;

/** One pass, logged; a pass already under way in this process is joined, never run twice at once. */
export function runRetentionOnce(db: DbOrTx, opts: PurgeOptions = {}): Promise<ProjectPurge[]> {
  running ??= (async () => {
    const t0 = Date.now();
    try {
      const result = await purgeExpired(db, opts);
      const ms = Date.now() - t0;
      for (const p of result) if (p.batches > 0) console.log(describePurge(p, ms));
      return result;
    } finally {
      running = null;
    }
  })();
  return running;
}
