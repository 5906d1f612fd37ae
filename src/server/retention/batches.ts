import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

export type PurgeCounts = {
  runs: number;
  events: number;
  results: number;
  scores: number;
  reports: number;
  reportSections: number;
  ledger: number;
  dailyRollups: number;
  hourlyRollups: number;
  counters: number;
  /** Runs left `running` or `queued` with no event for the abandon time, marked failed (abandoned). */
  abandoned: number;
  /** Statements (each its own transaction) that deleted or updated rows. */
  batches: number;
};

export const zero = (): PurgeCounts => ({
  runs: 0,
  events: 0,
  results: 0,
  scores: 0,
  reports: 0,
  reportSections: 0,
  ledger: 0,
  dailyRollups: 0,
  hourlyRollups: 0,
  counters: 0,
  abandoned: 0,
  batches: 0,
});

export type Ctx = { db: DbOrTx; size: number; pauseMs: number; counts: PurgeCounts };

/** Runs `statement` (which must touch at most `size` rows and answer `n`) until it touches none. */
export async function repeat(
  ctx: Ctx,
  statement: () => SQL,
  field: keyof PurgeCounts | null,
): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(ctx.db, statement());
    const n = Number(row?.n ?? 0);
    if (n > 0) {
      ctx.counts.batches++;
      total += n;
      if (field) ctx.counts[field] += n;
    }
    if (n === 0) return total;
    await new Promise((r) => setTimeout(r, ctx.pauseMs));
  }
}
