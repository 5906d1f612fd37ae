import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, updatedAt } from './columns';

export const projects = pgTable('projects', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique('projects_slug_unique'),
  name: text().notNull(),
  createdAt: tstz().notNull().defaultNow(),
});

/** The project a row belongs to: required, and the row is deleted with its project. */
export const projectRef = () =>
  uuid()
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' });

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: projectRef(),
    name: text().notNull(),
    /** The first characters of the key (`rl_abcd…`), shown so a user can tell keys apart. */
    prefix: text().notNull(),
    /** Hex SHA-256 of the whole key; the key itself is never stored. */
    hash: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
    lastUsedAt: tstz(),
    /** Set when revoked; a revoked key never authenticates again. */
    revokedAt: tstz(),
  },
  (t) => [
    uniqueIndex('api_keys_hash_unique').on(t.hash),
    index('api_keys_project_created_idx').on(t.projectId, t.createdAt),
  ],
);

/** Instance-wide settings (admin password hash, session secret). */
export const appSettings = pgTable('app_settings', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: updatedAt(),
});

export type Project = typeof projects.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
