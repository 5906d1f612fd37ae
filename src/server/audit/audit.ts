import 'server-only';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { type AuditEntry, auditLog, instanceAuditLog } from '@/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { AppError } from '../errors';

/** Who wrote: a signed-in user, an API key, the CLI, or nobody (a throttled sign-in). */
export type AuditActor =
  | { id: string; email: string }
  | { apiKey: { id: string; name: string } }
  | 'cli'
  | null;

/** Who is writing, in which project: what every audited write is given. */
export type AuditScope = { actor: AuditActor; projectId: string };

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
  await writeAudits(db, [entry]);
}

/**
 * Appends several entries (a batch of changes written in one transaction): a project's entries to
 * its audit log, instance-wide ones (no project) to the instance's.
 */
export async function writeAudits(db: DbOrTx, entries: AuditInput[]): Promise<void> {
  const project = entries.flatMap((e) => (e.projectId === null ? [] : [{ ...e, projectId: e.projectId }]));
  const instance = entries.filter((e) => e.projectId === null);
  if (project.length > 0)
    await db.insert(auditLog).values(project.map((e) => ({ projectId: e.projectId, ...entryColumns(e) })));
  if (instance.length > 0) await db.insert(instanceAuditLog).values(instance.map(entryColumns));
}

function entryColumns(entry: AuditInput) {
  return {
    ...actorColumns(entry.actor),
    action: entry.action,
    target: entry.target ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  };
}

/** What an audited change says about itself: its result, and the entry's target, before and after. */
export type AuditedChange<T> = {
  value: T;
  target?: string | null;
  before?: unknown;
  after?: unknown;
  /** Nothing changed (an idempotent retry): no entry. */
  unchanged?: boolean;
};

/**
 * Runs a change and writes its audit entry in the same transaction (both commit or neither does),
 * whoever asked for it: a member, an API key, the CLI.
 */
export async function audited<T>(
  db: DbOrTx,
  scope: AuditScope,
  action: string,
  change: (tx: Tx) => Promise<AuditedChange<T>>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const { value, unchanged, ...entry } = await change(tx);
    if (!unchanged) await writeAudit(tx, { ...scope, action, ...entry });
    return value;
  });
}

function actorColumns(actor: AuditActor) {
  if (actor === null) return { actorId: null, actorEmail: null, actorName: null };
  if (actor === 'cli') return { actorId: 'cli', actorEmail: null, actorName: null };
  if ('apiKey' in actor)
    return { actorId: `key:${actor.apiKey.id}`, actorEmail: null, actorName: actor.apiKey.name };
  return { actorId: actor.id, actorEmail: actor.email, actorName: null };
}

/** Who an entry names, for people: the user's email, "API key <name>", `cli`, or null. */
export function actorLabel(e: Pick<AuditEntry, 'actorId' | 'actorEmail' | 'actorName'>): string | null {
  if (e.actorEmail) return e.actorEmail;
  if (e.actorName !== null) return `API key ${e.actorName}`;
  return e.actorId;
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
