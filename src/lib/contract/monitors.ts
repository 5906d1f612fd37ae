import { z } from 'zod';
import { incidentKinds, monitorComparators, monitorMetrics, monitorStates } from '../enums';
import { BOUNDS } from './bounds';
import { timestamp, uuid } from './common';
import { listRunsQuery } from './runs';

export const monitorMetric = z.enum(monitorMetrics);
export const monitorComparator = z.enum(monitorComparators);
export const monitorState = z.enum(monitorStates);
export const incidentKind = z.enum(incidentKinds);

/** A rolling window: 5 minutes to a day. */
export const MONITOR_WINDOW = { min: 300, max: 86_400 } as const;

/** The history's filters a monitor applies to the runs it measures (the runs API's names). */
export const monitorFilters = listRunsQuery
  .pick({ kind: true, model: true, userId: true, tag: true, q: true, meta: true })
  .describe('The history filters: kind, model, userId, tag, q (name or content), meta (key → value)');

const fields = {
  name: z.string().trim().min(1).max(100),
  metric: monitorMetric.describe(
    '`error_rate` and `score_pass_rate` and `quota_use` are percentages; latency in ms; cost in USD',
  ),
  scoreName: z.string().min(1).max(100).nullable().optional().describe('The score a score metric reads'),
  quotaId: uuid.nullable().optional().describe('The quota `quota_use` reads (its own window applies)'),
  filters: monitorFilters.default({}),
  windowSeconds: z.number().int().min(MONITOR_WINDOW.min).max(MONITOR_WINDOW.max),
  comparator: monitorComparator.describe('Firing while `value <comparator> threshold`'),
  threshold: z.number().min(-BOUNDS.runTokens).max(BOUNDS.runTokens),
  perSubject: z.boolean().default(false).describe("One state per subject (the run's user, or quota subject)"),
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(0),
  noData: monitorState.default('ok').describe('The state while the window holds nothing to measure'),
  enabled: z.boolean().default(true),
};

/** The metric's own requirements: a score metric names its score, `quota_use` its quota. */
function checkMetric(
  m: { metric?: string; scoreName?: string | null; quotaId?: string | null },
  ctx: z.RefinementCtx,
) {
  if (m.metric?.startsWith('score_') && !m.scoreName)
    ctx.addIssue({ code: 'custom', path: ['scoreName'], message: 'A score metric needs scoreName' });
  if (m.metric === 'quota_use' && !m.quotaId)
    ctx.addIssue({ code: 'custom', path: ['quotaId'], message: 'quota_use needs quotaId' });
}

export const monitorDefinition = z.strictObject(fields);
export const createMonitorBody = monitorDefinition.superRefine(checkMetric);
export type CreateMonitorInput = z.infer<typeof createMonitorBody>;

/** PATCH: any fields; the monitor they make must still be valid. */
export const updateMonitorBody = z
  .strictObject({
    ...fields,
    filters: monitorFilters.optional(),
    perSubject: z.boolean().optional(),
    cooldownSeconds: fields.cooldownSeconds.removeDefault().optional(),
    noData: monitorState.optional(),
    enabled: z.boolean().optional(),
  })
  .partial();
export type UpdateMonitorInput = z.infer<typeof updateMonitorBody>;
export { checkMetric as checkMonitorMetric };

export const subjectStateDto = z.object({
  subject: z.string().nullable().describe('Null when the monitor is not split per subject'),
  state: monitorState,
  value: z.number().nullable(),
  since: timestamp,
});

export const monitorDto = z.object({
  id: uuid,
  name: z.string(),
  metric: monitorMetric,
  scoreName: z.string().nullable(),
  quotaId: uuid.nullable(),
  filters: monitorFilters,
  windowSeconds: z.number().int(),
  comparator: monitorComparator,
  threshold: z.number(),
  perSubject: z.boolean(),
  cooldownSeconds: z.number().int(),
  noData: monitorState,
  enabled: z.boolean(),
  state: monitorState.describe('`firing` while the monitor or any of its subjects fires'),
  firing: z.array(subjectStateDto).describe('What fires now'),
  lastEvaluatedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type MonitorDto = z.infer<typeof monitorDto>;
export const monitorList = z.object({ data: z.array(monitorDto) });
export const monitorResponse = z.object({ monitor: monitorDto });

export const incidentDto = z.object({
  id: uuid,
  monitorId: uuid,
  monitorName: z.string(),
  subject: z.string().nullable(),
  kind: incidentKind,
  value: z.number().nullable().describe('Null when no data made the change'),
  threshold: z.number(),
  windowStart: timestamp,
  windowEnd: timestamp,
  link: z.string().describe("The dashboard's history filtered to the runs that caused it (or /usage)"),
  createdAt: timestamp,
});
export type IncidentDto = z.infer<typeof incidentDto>;
export const incidentList = z.object({ data: z.array(incidentDto) });
export const listIncidentsQuery = z.strictObject({
  monitorId: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const previewMonitorBody = monitorDefinition
  .omit({ name: true, cooldownSeconds: true, enabled: true })
  .extend({
    name: fields.name.optional(),
    rangeHours: z.number().int().min(1).max(168).default(24).describe('The series covers this many hours'),
    points: z.number().int().min(2).max(96).default(48),
  })
  .superRefine(checkMetric);
export type PreviewMonitorInput = z.infer<typeof previewMonitorBody>;
export const seriesPoint = z.object({
  at: timestamp.describe('The end of the window measured'),
  value: z.number().nullable().describe("Null with no data; split: the worst subject's value"),
});
export const previewResponse = z.object({
  points: z.array(seriesPoint),
  threshold: z.number(),
  comparator: monitorComparator,
  subjects: z
    .array(z.object({ subject: z.string(), value: z.number().nullable() }))
    .describe('Split monitors: the subjects measured at the last point, worst first (at most 20)'),
});
export type PreviewResponse = z.infer<typeof previewResponse>;
