import { sql } from 'drizzle-orm';
import { timestamp } from 'drizzle-orm/pg-core';

/** timestamptz with milliseconds, as the API speaks it. */
export const tstz = () => timestamp({ withTimezone: true, precision: 3, mode: 'date' });

/**
 * updated_at: the database's now() at insert and again at every update Drizzle writes (update() and
 * onConflictDoUpdate), so no write sets it by hand and it runs on the same clock as created_at.
 */
export const updatedAt = () =>
  tstz()
    .notNull()
    .defaultNow()
    .$onUpdate(() => sql`now()`);

/** created_at / updated_at, spread into every table that is edited after insert. */
export const lifecycleDates = {
  createdAt: tstz().notNull().defaultNow(),
  updatedAt: updatedAt(),
};
