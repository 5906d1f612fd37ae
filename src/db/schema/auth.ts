import { boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { lifecycleDates, tstz } from './columns';

// The tables better-auth (src/server/accounts/auth.ts) reads and writes through its Drizzle adapter,
// named in the plural (`usePlural`). Ids are better-auth's random strings.

export const users = pgTable('users', {
  id: text().primaryKey(),
  name: text().notNull(),
  email: text().notNull().unique('users_email_unique'),
  emailVerified: boolean().notNull().default(false),
  image: text(),
  /** The instance admin: creates projects and may act in every project as an owner. */
  isAdmin: boolean().notNull().default(false),
  ...lifecycleDates,
});

/** Server-side sessions: deleting a row ends that session on its next request. */
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    token: text().notNull().unique('sessions_token_unique'),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: tstz().notNull(),
    ipAddress: text(),
    userAgent: text(),
    ...lifecycleDates,
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Credentials: one `credential` row per user holds the password hash. */
export const accounts = pgTable(
  'accounts',
  {
    id: text().primaryKey(),
    accountId: text().notNull(),
    providerId: text().notNull(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text(),
    refreshToken: text(),
    idToken: text(),
    accessTokenExpiresAt: tstz(),
    refreshTokenExpiresAt: tstz(),
    scope: text(),
    password: text(),
    ...lifecycleDates,
  },
  (t) => [index('accounts_user_idx').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: text().primaryKey(),
    identifier: text().notNull(),
    value: text().notNull(),
    expiresAt: tstz().notNull(),
    ...lifecycleDates,
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

export type User = typeof users.$inferSelect;
