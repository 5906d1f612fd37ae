import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { scoreSources, scoreTypes } from '../../lib/enums';
import { lifecycleDates } from './columns';
import { projectRef } from './projects';
import { runResults, runs } from './runs';

export const scoreType = pgEnum('score_type', scoreTypes);
export const scoreSource = pgEnum('score_source', scoreSources);

/**
 * A judgement of a run, of one of its steps (`seq`) or of one of its dataset results. `value` holds a
 * number, or 1/0 for a boolean; `label` the category of a categorical score.
 */
export const scores = pgTable(
  'scores',
  {
    /** Chosen by the client (idempotency within the project) or generated. */
    id: uuid().notNull().defaultRandom(),
    projectId: projectRef(),
    runId: uuid().notNull(),
    /** The scored step (an event seq); null for the whole run. */
    seq: integer(),
    /** The scored dataset result (of the same run); null otherwise. */
    resultId: uuid(),
    name: text().notNull(),
    dataType: scoreType().notNull(),
    /** Null for a categorical score. */
    value: doublePrecision(),
    /** Null unless categorical. */
    label: text(),
    source: scoreSource().notNull(),
    /** An API key id (`api`), a user id (`annotation`) or an evaluator id (`evaluator`). */
    authorId: text().notNull(),
    comment: text(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'scores_pk', columns: [t.id, t.projectId] }),
    foreignKey({
      name: 'scores_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'scores_result_fk',
      columns: [t.resultId, t.projectId],
      foreignColumns: [runResults.id, runResults.projectId],
    }).onDelete('cascade'),
    index('scores_project_created_idx').on(t.projectId, t.createdAt.desc(), t.id.desc()),
    index('scores_run_name_idx').on(t.runId, t.name),
    index('scores_result_idx').on(t.resultId).where(sql`${t.resultId} is not null`),
    // The history filtered or sorted by a run's score: one range of these per name.
    index('scores_project_name_value_idx')
      .on(t.projectId, t.name, t.value, t.runId)
      .where(sql`${t.seq} is null and ${t.resultId} is null`),
    index('scores_project_name_label_idx')
      .on(t.projectId, t.name, t.label, t.runId)
      .where(sql`${t.seq} is null and ${t.resultId} is null and ${t.label} is not null`),
    // The trend chart: a name's scores by day.
    index('scores_project_name_created_idx').on(t.projectId, t.name, t.createdAt),
    // One score per author for people and evaluators on one run / step / result and name (a re-score
    // replaces it); API scores are idempotent by id instead. Nulls folded so they compare equal.
    uniqueIndex('scores_author_target_unique')
      .on(
        t.runId,
        sql`coalesce(${t.seq}, -1)`,
        sql`coalesce(${t.resultId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
        t.name,
        t.source,
        t.authorId,
        t.projectId,
      )
      .where(sql`${t.source} <> 'api'`),
    check('scores_name_length', sql`char_length(${t.name}) between 1 and 100`),
    check(
      'scores_value_shape',
      sql`(${t.dataType} = 'categorical' and ${t.label} is not null and ${t.value} is null)
        or (${t.dataType} <> 'categorical' and ${t.value} is not null and ${t.label} is null)`,
    ),
  ],
);

/** What a score of a name must look like; scores naming no config are numeric or boolean, unchecked. */
export const scoreConfigs = pgTable(
  'score_configs',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    dataType: scoreType().notNull(),
    /** Bounds of a numeric score (inclusive); null for none. */
    min: doublePrecision(),
    max: doublePrecision(),
    /** The labels of a categorical score, in display order. */
    categories: text().array(),
    description: text(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'score_configs_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('score_configs_project_name_unique').on(t.projectId, t.name),
  ],
);

/** A project's choices about scores; a project without a row has the defaults. */
export const scoreSettings = pgTable('score_settings', {
  projectId: projectRef().primaryKey(),
  /** Refuse scores whose name has no config. */
  requireConfig: boolean().notNull().default(false),
  /** The score names shown as columns in the run history, in order. */
  historyColumns: text().array().notNull().default(sql`'{}'::text[]`),
  ...lifecycleDates,
});

export type Score = typeof scores.$inferSelect;
export type NewScore = typeof scores.$inferInsert;
export type ScoreConfig = typeof scoreConfigs.$inferSelect;
export type ScoreSettings = typeof scoreSettings.$inferSelect;
