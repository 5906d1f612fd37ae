import { timestamp } from 'drizzle-orm/pg-core';

/** timestamptz with milliseconds, as the API speaks it. */
export const tstz = () => timestamp({ withTimezone: true, precision: 3, mode: 'date' });

/** created_at / updated_at, spread into every table that is edited after insert. */
export const lifecycleDates = {
  createdAt: tstz().notNull().defaultNow(),
  updatedAt: tstz().notNull().defaultNow(),
};
