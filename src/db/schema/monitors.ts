import {
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { incidentKinds, monitorComparators, monitorMetrics, monitorStates } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';

export const monitorMetric = pgEnum('monitor_metric', monitorMetrics);
export const monitorComparator = pgEnum('monitor_comparator', monitorComparators);
export const monitorState = pgEnum('monitor_state', monitorStates);
export const incidentKind = pgEnum('incident_kind', incidentKinds);

/** The history's filters a monitor keeps (the same names as the runs API's query). */
export type MonitorFilters = {
  kind?: 'chat' | 'workflow' | 'dataset';
  model?: string;
  userId?: string;
  tag?: string;
  q?: string;
  meta?: Record<string, string>;
};

/** A metric over a rolling window of a project's runs (or a quota's use), compared with a threshold. */
export const monitors = pgTable(
  'monitors',
  {
    id: uuid().notNull().defaultRandom(),
    projectId: projectRef(),
    name: text().notNull(),
    metric: monitorMetric().notNull(),
    /** The score a score metric reads; null otherwise. */
    scoreName: text(),
    /** The quota `quota_use` reads (no foreign key: quotas are keyed by id alone); null otherwise. */
    quotaId: uuid(),
    filters: jsonb().$type<MonitorFilters>().notNull().default({}),
    windowSeconds: integer().notNull(),
    comparator: monitorComparator().notNull(),
    threshold: doublePrecision().notNull(),
    /** One state per subject (the run's user, or the quota's subject) instead of one for the whole. */
    perSubject: boolean().notNull().default(false),
    /** After a firing, the same subject does not fire again for this long. */
    cooldownSeconds: integer().notNull().default(0),
    /** The state while the window holds nothing to measure. */
    noData: monitorState().notNull().default('ok'),
    enabled: boolean().notNull().default(true),
    lastEvaluatedAt: tstz(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'monitors_pk', columns: [t.projectId, t.id] }),
    index('monitors_enabled_idx').on(t.enabled, t.projectId),
  ],
);

/** A monitor's state, per subject ('' when not split). */
export const monitorStatesTable = pgTable(
  'monitor_states',
  {
    projectId: projectRef(),
    monitorId: uuid().notNull(),
    subject: text().notNull(),
    state: monitorState().notNull(),
    /** The last value measured; null with no data. */
    value: doublePrecision(),
    /** When the state last changed. */
    since: tstz().notNull(),
    /** The last firing: the cooldown counts from it. */
    lastFiredAt: tstz(),
    updatedAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'monitor_states_pk', columns: [t.projectId, t.monitorId, t.subject] }),
    foreignKey({
      name: 'monitor_states_monitor_fk',
      columns: [t.projectId, t.monitorId],
      foreignColumns: [monitors.projectId, monitors.id],
    }).onDelete('cascade'),
  ],
);

/** A state change of a monitor (or one of its subjects): the value and the window that caused it. */
export const monitorIncidents = pgTable(
  'monitor_incidents',
  {
    id: uuid().notNull().defaultRandom(),
    projectId: projectRef(),
    monitorId: uuid().notNull(),
    subject: text().notNull(),
    kind: incidentKind().notNull(),
    /** Null when no data made the change. */
    value: doublePrecision(),
    threshold: doublePrecision().notNull(),
    windowStart: tstz().notNull(),
    windowEnd: tstz().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'monitor_incidents_pk', columns: [t.projectId, t.id] }),
    foreignKey({
      name: 'monitor_incidents_monitor_fk',
      columns: [t.projectId, t.monitorId],
      foreignColumns: [monitors.projectId, monitors.id],
    }).onDelete('cascade'),
    index('monitor_incidents_project_created_idx').on(t.projectId, t.createdAt.desc()),
    index('monitor_incidents_monitor_created_idx').on(t.projectId, t.monitorId, t.createdAt.desc()),
  ],
);

export type Monitor = typeof monitors.$inferSelect;
export type NewMonitor = typeof monitors.$inferInsert;
export type MonitorStateRow = typeof monitorStatesTable.$inferSelect;
export type MonitorIncident = typeof monitorIncidents.$inferSelect;
