import 'server-only';
import { and, eq, lte } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { usageReservations } from '@/db/schema';
import type { UsageWindowDto } from '@/lib/contract';
import { currentWindows } from './counter-windows';
import { lockKey } from './counters';
import { toWindowDto } from './serialize';

/**
 * The current window of every quota that applies to the subject and metric. Expired holds of this key
 * are released first (only when there are any, so a read takes no lock in the common case).
 */
export async function getUsage(
  db: DbOrTx,
  projectId: string,
  input: { subject: string; metric: string },
  opts: { now?: Date } = {},
): Promise<{ windows: UsageWindowDto[] }> {
  const at = opts.now ?? new Date();
  const key = { projectId, ...input };
  const [expired] = await db
    .select({ id: usageReservations.id })
    .from(usageReservations)
    .where(
      and(
        eq(usageReservations.projectId, projectId),
        eq(usageReservations.subject, input.subject),
        eq(usageReservations.metric, input.metric),
        eq(usageReservations.status, 'held'),
        lte(usageReservations.expiresAt, at),
      ),
    )
    .limit(1);
  if (expired) await db.transaction((tx) => lockKey(tx, key, at));
  return { windows: (await currentWindows(db, key, at)).map(toWindowDto) };
}
