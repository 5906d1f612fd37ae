import 'server-only';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type AuditEntry, auditLog } from '@/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { AppError } from '../errors';

/** Who wrote: a signed-in user, an API key, the CLI, or nobody (a throttled sign-in, a job). */
export type AuditActor = { id: string; email: string } | { apiKeyId: string } | 'cli' | null;

export type AuditInput = {
  projectId: string | null;
  actor: AuditActor;
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Appends an entry; pass the transaction of the change so both commit or neither does. */
export async function writeAudit(db: DbOrTx, entry: AuditInput): Promise<void> {
  const actor = entry.actor;
  const person = actor !== null && typeof actor === 'object' && 'email' in actor ? actor : null;
  await db.insert(auditLog).values({
    projectId: entry.projectId,
    actorId:
      actor === 'cli' ? 'cli' : actor && 'apiKeyId' in actor ? `key:${actor.apiKeyId}` : (person?.id ?? null),
    actorEmail: person?.email ?? null,
    action: entry.action,
    target: entry.target ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export type AuditPage = { data: AuditEntry[]; nextCursor: string | null };

/** A project's entries, newest first, in keyset pages (the cursor is the last id seen). */
export async function listAudit(
  db: DbOrTx,
  projectId: string,
  opts: { limit?: number; cursor?: string } = {},
): Promise<AuditPage> {
  const limit = opts.limit ?? 50;
  let after: number | undefined;
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor, 1);
    if (!key || typeof key[0] !== 'number' || !Number.isSafeInteger(key[0])) {
      throw new AppError('bad_request', 'Invalid cursor');
    }
    after = key[0];
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.projectId, projectId), after === undefined ? undefined : lt(auditLog.id, after)))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor([data.at(-1)!.id]) : null };
}
