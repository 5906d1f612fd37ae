import { index, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { type ProjectRole, projectRoles } from '../../lib/enums';
import { users } from './auth';
import { tstz } from './columns';
import { projectRef } from './projects';

/** The roles in a project, weakest first (declared in src/lib/enums.ts). */
export const projectRole = pgEnum('project_role', projectRoles);
export type { ProjectRole };

export const projectMembers = pgTable(
  'project_members',
  {
    projectId: projectRef(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: projectRole().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'project_members_pk', columns: [t.projectId, t.userId] }),
    index('project_members_user_idx').on(t.userId),
  ],
);

/** A single-use invite link for a role; only the SHA-256 of its token is stored. */
export const invites = pgTable(
  'invites',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: projectRef(),
    role: projectRole().notNull(),
    tokenHash: text().notNull().unique('invites_token_hash_unique'),
    createdBy: text().references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz().notNull().defaultNow(),
    expiresAt: tstz().notNull(),
    /** Set when used; a used invite never admits anyone again. */
    usedAt: tstz(),
    usedBy: text().references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('invites_project_idx').on(t.projectId)],
);

/** Failed sign-ins per key (`email:<addr>` or `ip:<addr>`), one row per failure, for throttling. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull(),
    at: tstz().notNull().defaultNow(),
  },
  (t) => [index('sign_in_failures_key_at_idx').on(t.key, t.at)],
);

export type ProjectMember = typeof projectMembers.$inferSelect;
export type Invite = typeof invites.$inferSelect;
