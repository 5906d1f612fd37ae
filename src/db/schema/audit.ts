import { bigserial, index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { projects } from './projects';

/** The columns of an audit entry, project aside. */
const entryColumns = () => ({
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
});

/**
 * Who changed what in a project, written in the same transaction as the change. The actor is kept as
 * plain values (no foreign key) so the history outlives a removed user; it goes with its project.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).notNull(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    ...entryColumns(),
  },
  (t) => [
    primaryKey({ name: 'audit_log_pk', columns: [t.id, t.projectId] }),
    index('audit_log_project_id_idx').on(t.projectId, t.id),
  ],
);

/**
 * Instance-wide entries, of no project (a throttled sign-in): kept apart so that the project audit
 * can be distributed by project (docs/scaling.md).
 */
export const instanceAuditLog = pgTable('instance_audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  ...entryColumns(),
});

export type AuditEntry = typeof auditLog.$inferSelect;
export type InstanceAuditEntry = typeof instanceAuditLog.$inferSelect;
