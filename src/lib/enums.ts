/**
 * The value lists shared by the database schema (pgEnum), the API contract (z.enum), the UI and the
 * SDK, declared once. Plain constants with no imports: drizzle-kit loads this file too, and
 * `npm run sdk:contract` copies the SDK's into its package.
 */

export const runStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];
/** The statuses a run cannot leave. */
export const finishedStatuses = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];
/** The roles in a project, weakest first: viewer reads, editor also writes data, owner also manages. */
export const projectRoles = ['viewer', 'editor', 'owner'] as const;
export type ProjectRole = (typeof projectRoles)[number];

export const runKinds = ['chat', 'workflow', 'dataset'] as const;
export type RunKind = (typeof runKinds)[number];

/** Calendar windows in UTC (src/lib/windows.ts computes their bounds). */
export const quotaWindows = ['minute', 'hour', 'day', 'month'] as const;
export type QuotaWindow = (typeof quotaWindows)[number];
export const quotaModes = ['hard', 'soft'] as const;
export const reservationStatuses = ['held', 'committed', 'released', 'expired'] as const;

export const reportStatuses = ['draft', 'final'] as const;

/** The API's error codes and the HTTP status each answers with. */
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  /** Signed in and a member, but the role does not allow this. */
  forbidden: 403,
  not_found: 404,
  /** Extension of the contract: a known path with a method it does not serve (see Allow). */
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  internal: 500,
  /** The database cannot be reached, or the server is shutting down: retry after `Retry-After`. */
  service_unavailable: 503,
} as const;
export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];
/** Seconds a client is told to wait (`Retry-After`) while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

/** What kind of value a score holds: a number, a yes/no, or one label of a configured list. */
export const scoreTypes = ['numeric', 'boolean', 'categorical'] as const;
export type ScoreType = (typeof scoreTypes)[number];
/**
 * Who wrote a score, and so what its author id names: `api` an API key, `annotation` a member (user
 * id), `evaluator` an evaluator.
 */
export const scoreSources = ['api', 'annotation', 'evaluator'] as const;
export type ScoreSource = (typeof scoreSources)[number];

/**
 * The built-in evaluators: code checks run in the server with no network (each a pass/fail score), and
 * an LLM judge that asks a project's model for a score and its reasoning.
 */
export const evaluatorTypes = [
  'exact_match',
  'contains',
  'regex',
  'json_valid',
  'json_schema',
  'tool_called',
  'latency_under',
  'cost_under',
  'llm_judge',
] as const;
export type EvaluatorType = (typeof evaluatorTypes)[number];
/**
 * An evaluation's state on the work table: waiting (also between retries), leased by a worker, scored,
 * given up after its retries or on an error retrying cannot fix, or skipped (daily budget, nothing to
 * compare with).
 */
export const evaluationStatuses = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type EvaluationStatus = (typeof evaluationStatuses)[number];

/**
 * A run's place in an annotation queue: waiting for a reviewer (possibly leased by one for a while),
 * reviewed (`done`), or passed over by its reviewer (`skipped`).
 */
export const annotationItemStatuses = ['pending', 'done', 'skipped'] as const;
export type AnnotationItemStatus = (typeof annotationItemStatuses)[number];
/** How a webhook destination is spoken to: Standard Webhooks JSON, or a Slack incoming-webhook message. */
export const destinationFormats = ['standard', 'slack'] as const;
export type DestinationFormat = (typeof destinationFormats)[number];
/** The events a destination receives (every destination gets every event of its project). */
export const alertEventTypes = [
  'quota.soft_limit_crossed',
  'quota.hard_limit_refused',
  'monitor.firing',
  'monitor.resolved',
  'test',
] as const;
export type AlertEventType = (typeof alertEventTypes)[number];
/**
 * A delivery's state: waiting (also between retries), leased by a worker, answered 2xx, or given up
 * (its destination was disabled or deleted after failing for a day).
 */
export const deliveryStatuses = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
/**
 * What a monitor measures over its rolling window: runs started, the share of finished runs that
 * failed (%), latency percentiles (ms, finished runs), total tokens, cost (USD), a score's mean or pass
 * rate (% of values ≥ 0.5, i.e. true for a boolean score), and a quota's use (% of its limit in the
 * quota's current window, per subject).
 */
export const monitorMetrics = [
  'run_count',
  'error_rate',
  'latency_p50',
  'latency_p95',
  'tokens',
  'cost',
  'score_mean',
  'score_pass_rate',
  'quota_use',
] as const;
export type MonitorMetric = (typeof monitorMetrics)[number];
/** How a monitor's value is compared with its threshold: firing while `value <comparator> threshold`. */
export const monitorComparators = ['gt', 'gte', 'lt', 'lte'] as const;
export type MonitorComparator = (typeof monitorComparators)[number];
/** A monitor's (or one subject's) state; `resolved` is an incident's kind, the state is then `ok`. */
export const monitorStates = ['ok', 'firing'] as const;
export type MonitorState = (typeof monitorStates)[number];
/** An incident: the change a state made. */
export const incidentKinds = ['firing', 'resolved'] as const;
export type IncidentKind = (typeof incidentKinds)[number];
