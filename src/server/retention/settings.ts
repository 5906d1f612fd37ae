import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { projectRetention } from '@/db/schema';
import {
  DEFAULT_USAGE_RETENTION_DAYS,
  type PutRetentionInput,
  putRetentionBody,
  type RetentionDto,
} from '@/lib/contract';
import { iso } from '@/lib/time';
import { AppError } from '../errors';

/** The project's retention, the defaults when it never set any. */
export async function getRetention(db: DbOrTx, projectId: string): Promise<RetentionDto> {
  const [row] = await db.select().from(projectRetention).where(eq(projectRetention.projectId, projectId));
  if (!row) return { runDays: null, usageDays: DEFAULT_USAGE_RETENTION_DAYS, updatedAt: null };
  return { runDays: row.runDays, usageDays: row.usageDays, updatedAt: iso(row.updatedAt) };
}

/** Replaces the project's retention. Validated here too: the CLI and actions call it without a route. */
export async function putRetention(
  db: DbOrTx,
  projectId: string,
  input: PutRetentionInput,
): Promise<RetentionDto> {
  const parsed = putRetentionBody.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('bad_request', `Invalid retention at ${first?.path.join('.')}: ${first?.message}`);
  }
  const values = parsed.data;
  const [row] = await db
    .insert(projectRetention)
    .values({ projectId, ...values })
    .onConflictDoUpdate({ target: projectRetention.projectId, set: values })
    .returning();
  return { runDays: row!.runDays, usageDays: row!.usageDays, updatedAt: iso(row!.updatedAt) };
}
