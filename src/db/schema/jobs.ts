import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns';

/**
 * Leases of background work shared by every server process on the database (src/server/jobs/). One
 * row per unit of work: a periodic job (`retention`), held until its next pass is due, or a one-off
 * unit (`recompute:<job id>`, `checkpoints:<project id>:<run id>`), deleted when done. Holds no project data.
 */
export const jobLeases = pgTable('job_leases', {
  name: text().primaryKey(),
  /** The process that holds (or last held) the lease: host:pid:random. */
  holder: text().notNull(),
  /** Until then no other process takes the unit; a holder that stopped loses it at this time. */
  leaseUntil: tstz().notNull(),
  acquiredAt: tstz().notNull(),
  /** When a periodic job's last pass ended (null: never, or a one-off unit). */
  doneAt: tstz(),
  /** Passes a periodic job has finished. */
  passes: integer().notNull().default(0),
});

export type JobLease = typeof jobLeases.$inferSelect;
