import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { projects } from './projects';

/**
 * Who changed what, written in the same transaction as the change. Actor and project are kept as
 * plain values (no foreign keys) so the history outlives a removed user.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    /** Null for instance-wide entries (a throttled sign-in). */
    projectId: uuid().references(() => projects.id, { onDelete: 'cascade' }),
    /** The user id, `key:<api key id>`, `cli`, or null when nobody was signed in. */
    actorId: text(),
    actorEmail: text(),
    /** The API key's name when a key wrote (its name at the time). */
    actorName: text(),
    action: text().notNull(),
    target: text(),
    before: jsonb(),
    after: jsonb(),
    at: tstz().notNull().defaultNow(),
  },
  (t) => [index('audit_log_project_id_idx').on(t.projectId, t.id)],
);

export type AuditEntry = typeof auditLog.$inferSelect;
