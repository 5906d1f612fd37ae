import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { Run } from '@/db/schema';

/** The runs a page watches for changes: those still running or queued (whatever their age). */
export const watchedRunIds = (runs: Pick<Run, 'id' | 'status'>[]): string[] =>
  runs.filter((r) => r.status === 'running' || r.status === 'queued').map((r) => r.id);

/**
 * What changes when any of these runs receives an event or is updated (an append and every update
 * set `updated_at`; a deletion lowers the count): compared with the marker a page rendered with, it
 * tells the page whether to refresh (the page renders with this same function's answer, so the two
 * compare exactly). Primary-key lookups only, whatever the project's size.
 */
export async function runsChangeMarker(db: DbOrTx, projectId: string, runIds: string[]): Promise<string> {
  if (runIds.length === 0) return '0';
  const [row] = await queryRows<{ n: number; at: string | null }>(
    db,
    sql`select count(*)::int as n, floor(extract(epoch from max(updated_at)) * 1000000)::bigint::text as at
        from runs where project_id = ${projectId}::uuid
          and id = any(${`{${runIds.join(',')}}`}::uuid[])`,
  );
  return `${row?.n ?? 0}:${row?.at ?? ''}`;
}
