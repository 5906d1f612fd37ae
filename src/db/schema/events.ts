import {
  boolean,
  foreignKey,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

/**
 * A run's events. In the database the table is partitioned by range of `run_created_at`, one
 * partition a UTC month plus a default one (custom migration; src/server/events/partitions.ts keeps
 * them): every event of a run sits in its run's month, so a read that names the run's creation time
 * touches one partition, and retention drops a month whose runs have all expired as a whole.
 */
export const runEvents = pgTable(
  'run_events',
  {
    projectId: uuid().notNull(),
    runId: uuid().notNull(),
    /** The run's created_at: the partition key (a run's created_at never changes). */
    runCreatedAt: tstz().notNull(),
    /** Client-chosen order within the run; unique per run, gaps allowed. */
    seq: integer().notNull(),
    type: text().notNull(),
    /** When it happened at the source (default: when received). */
    ts: tstz().notNull().defaultNow(),
    payload: jsonb().notNull().default({}),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    // (run_id, seq) identifies an event; the key carries the partition key and the project as it must.
    primaryKey({ name: 'run_events_pk', columns: [t.runId, t.seq, t.projectId, t.runCreatedAt] }),
    foreignKey({
      name: 'run_events_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
  ],
);

export type RunEvent = typeof runEvents.$inferSelect;

/**
 * The replay transcript folded up to an event (src/features/replay/server): a chain per run, each row holding
 * what changed since the previous one, so `?seq=N` resumes from the nearest row instead of folding the
 * run from its start; every KEYFRAME_EVERY-th row is stored whole, so a read starts at the last of
 * those. A trigger on run_events deletes the rows an out-of-order insert makes stale.
 */
export const runTranscriptCheckpoints = pgTable(
  'run_transcript_checkpoints',
  {
    projectId: projectRef(),
    runId: uuid().notNull(),
    /** The last event seq folded in. */
    seq: integer().notNull(),
    /** How many events (those with seq <= `seq`) were folded in. */
    eventCount: integer().notNull(),
    /**
     * The delta from the previous checkpoint of the run (src/features/replay/server/codec.ts), or from nothing when
     * `keyframe`. `json`, not `jsonb`: it is only ever written and read whole, and json keeps the text as
     * sent, so neither side converts it (a 1M-event run's 8 MB keyframe read in 54–66 ms instead of 79–95).
     */
    state: json().notNull(),
    /** A keyframe: `state` is the whole transcript, a chain read starts here (false on rows stored before keyframes). */
    keyframe: boolean().notNull().default(false),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'run_transcript_checkpoints_pk', columns: [t.runId, t.seq, t.projectId] }),
    foreignKey({
      name: 'run_transcript_checkpoints_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
  ],
);

export type RunTranscriptCheckpoint = typeof runTranscriptCheckpoints.$inferSelect;
