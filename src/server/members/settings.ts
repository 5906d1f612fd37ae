import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projectSettings } from '@/db/schema';

/** Days the project keeps runs; null keeps them forever. */
export async function getRetentionDays(db: DbOrTx, projectId: string): Promise<number | null> {
  const [row] = await db.select().from(projectSettings).where(eq(projectSettings.projectId, projectId));
  return row?.retentionDays ?? null;
}
