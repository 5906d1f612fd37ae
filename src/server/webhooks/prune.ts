import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

/** How long events and their delivery log are kept. */
export const EVENT_KEEP_MS = 30 * 24 * 3_600_000;

/**
 * Deletes events (with their deliveries) raised more than EVENT_KEEP_MS before `now`, in batches;
 * a delivery still retrying is a day old at most, so nothing waiting is removed. Returns how many.
 */
export async function pruneAlertEvents(db: DbOrTx, now: Date, batch = 5_000): Promise<number> {
  const cutoff = new Date(now.getTime() - EVENT_KEEP_MS).toISOString();
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`with d as (delete from alert_events where id in (
            select id from alert_events where created_at < ${cutoff}::timestamptz order by created_at limit ${batch}
          ) returning 1) select count(*)::int as n from d`,
    );
    total += row?.n ?? 0;
    if ((row?.n ?? 0) < batch) return total;
  }
}
