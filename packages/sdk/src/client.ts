import type {
  AppendEventsResult,
  CallInput,
  CallResult,
  CreateReportInput,
  CreateReservationInput,
  CreateRunInput,
  CreateSectionInput,
  EventDto,
  EventInput,
  Page,
  PutQuotaInput,
  QuotaDto,
  RecordUsageInput,
  RecordUsageResult,
  ReportDto,
  ResultDto,
  ResultInput,
  RouteName,
  EvaluatorDto,
  ListScoresQuery,
  RunEvaluatorInput,
  RunEvaluatorResult,
  ScoreDto,
  ScoreInput,
  RunDto,
  SectionDto,
  UpdateReportInput,
  UpdateRunInput,
} from './contract';
import { dashboardRunPath, dashboardRunPermalink, routes } from './contract.gen';
import { RunledgerError } from './errors';
import { EventBuffer, type EventBufferOptions } from './event-buffer';
import { type RequestOptions, type RetryPolicy, Transport } from './http';
import { ScoreBuffer, type ScoreBufferOptions } from './score-buffer';
import type {
  FinishRunInput,
  ListEventsQuery,
  ListResultsQuery,
  ListRunsQuery,
  ReservationCommitted,
  ReservationCreated,
  ReservationReleased,
  RunledgerOptions,
  UsageQuery,
  UsageSeries,
  UsageSeriesQuery,
  UsageWindows,
} from './types';

/** The largest batch one `POST /events` or `POST /results` accepts. */
const MAX_BATCH = 1000;

/**
 * Typed client of the runledger HTTP API v1.
 *
 * Idempotent calls (GET, PUT, DELETE, PATCH of a run, event appends, result adds, `createRun` with
 * its client-chosen id, `recordUsage` / `createReservation` with their idempotency key) are retried
 * on network errors and 5xx with exponential backoff and jitter; other calls are sent once.
 * Every failure is a {@link RunledgerError}.
 */
export class Runledger {
  private readonly http: Transport;
  private readonly baseUrl: string;
  private readonly project: string | undefined;
  private readonly scoreBufferOptions: ScoreBufferOptions | undefined;
  private scoreBuffer: ScoreBuffer | undefined;

  constructor(options: RunledgerOptions) {
    if (!options.baseUrl) throw new TypeError('Runledger: baseUrl is required');
    if (!options.apiKey) throw new TypeError('Runledger: apiKey is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.project = options.project || undefined;
    this.scoreBufferOptions = options.scoreBuffer;
    const retry: RetryPolicy = {
      maxRetries: options.maxRetries ?? 3,
      baseDelayMs: options.retryBaseDelayMs ?? 250,
      maxDelayMs: options.retryMaxDelayMs ?? 8_000,
    };
    this.http = new Transport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry,
    });
  }

  /**
   * The dashboard link of a run, to print in a terminal: `/p/<project>/runs/<id>` when the client was
   * given its project's slug, else the permalink `/runs/<id>`, which the dashboard redirects to the run's
   * own project for anyone signed in who may see it.
   */
  runUrl(runId: string): string {
    const path = this.project
      ? fillPath(dashboardRunPath, { project: this.project, id: runId })
      : fillPath(dashboardRunPermalink, { id: runId });
    return `${this.baseUrl}${path}`;
  }

  /**
   * Calls any route of the API by the name of its declaration, typed from it: path `params`, `query`
   * and `body` as the route takes them, the route's answer as the result. GET, PUT, PATCH and DELETE
   * are retried after network errors and 5xx; a POST is sent once (the methods below retry the POSTs
   * that are safe to repeat).
   */
  async call<K extends RouteName>(route: K, input: CallInput<K>, opts?: CallOptions): Promise<CallResult<K>> {
    const { method } = routes[route];
    return this.send(route, input, { idempotent: method !== 'POST', ...opts });
  }

  private async send<K extends RouteName>(
    route: K,
    input: CallInput<K>,
    opts: RequestOptions & SendPolicy,
  ): Promise<CallResult<K>> {
    const { method, path } = routes[route];
    const { params, query, body } = input as { params?: object; query?: object; body?: unknown };
    return this.http.request<CallResult<K>>({
      method,
      path: fillPath(path, params),
      query: query && flattenQuery(query),
      body,
      idempotent: opts.idempotent ?? method !== 'POST',
      okOnRetry: opts.okOnRetry,
      signal: opts.signal,
    });
  }

  // --- runs -------------------------------------------------------------------------------------

  /**
   * Creates a run (`POST /runs`). The id is generated here when not given, so a retry after a lost
   * answer returns the stored run instead of creating a second one.
   */
  async createRun(input: CreateRunInput, opts?: RequestOptions): Promise<RunDto> {
    const body = { ...input, id: input.id ?? crypto.randomUUID() };
    const res = await this.send('createRun', { body }, { ...opts, idempotent: true });
    return res.run;
  }

  /** Reads one run (`GET /runs/{id}`). */
  async getRun(runId: string, opts?: RequestOptions): Promise<RunDto> {
    return (await this.send('getRun', { params: { id: runId } }, { ...opts })).run;
  }

  /** One page of runs, newest first (`GET /runs`). Pass the previous page's `nextCursor` as `cursor`. */
  listRuns(query: ListRunsQuery = {}, opts?: RequestOptions): Promise<Page<RunDto>> {
    return this.send('listRuns', { query }, { ...opts });
  }

  /** Every run matching the filters, newest first, fetching pages lazily as the loop advances. */
  async *iterateRuns(query: ListRunsQuery = {}, opts?: RequestOptions): AsyncGenerator<RunDto> {
    yield* paginate((cursor) => this.listRuns({ ...query, cursor }, opts), query.cursor);
  }

  /**
   * Changes a run (`PATCH /runs/{id}`). Retried like the idempotent calls: every field is an
   * assignment, so sending it twice leaves the same state.
   */
  async updateRun(runId: string, input: UpdateRunInput, opts?: RequestOptions): Promise<RunDto> {
    return (await this.send('updateRun', { params: { id: runId }, body: input }, { ...opts })).run;
  }

  /**
   * Ends a run: `status` (default `succeeded`) and `endedAt` = now (taken here, so a retry stores the
   * same instant), plus any output, error, tokens or cost given.
   */
  finishRun(runId: string, input: FinishRunInput = {}, opts?: RequestOptions): Promise<RunDto> {
    return this.updateRun(
      runId,
      { ...input, status: input.status ?? 'succeeded', endedAt: input.endedAt ?? new Date().toISOString() },
      opts,
    );
  }

  /** Deletes a run with its events, results and reports (`DELETE /runs/{id}`). */
  async deleteRun(runId: string, opts?: RequestOptions): Promise<void> {
    await this.send('deleteRun', { params: { id: runId } }, { ...opts, okOnRetry: [404] });
  }

  // --- events -----------------------------------------------------------------------------------

  /**
   * Appends events (`POST /runs/{id}/events`), split into calls of at most 1000 (and smaller ones
   * when the server finds a call over 5 MiB). Safe to retry: an event already stored with the same
   * seq, type and payload counts as a duplicate.
   */
  async appendEvents(
    runId: string,
    events: EventInput[],
    opts?: RequestOptions,
  ): Promise<AppendEventsResult> {
    const answers = await sendInParts(events, (part) =>
      this.send(
        'appendEvents',
        { params: { id: runId }, body: { events: part } },
        { ...opts, idempotent: true },
      ),
    );
    return {
      accepted: answers.reduce((n, a) => n + a.accepted, 0),
      duplicates: answers.reduce((n, a) => n + a.duplicates, 0),
    };
  }

  /** One page of a run's events with `seq > afterSeq`, ascending (`GET /runs/{id}/events`). */
  listEvents(runId: string, query: ListEventsQuery = {}, opts?: RequestOptions): Promise<Page<EventDto>> {
    return this.send('listEvents', { params: { id: runId }, query }, { ...opts });
  }

  /** Every event of a run in seq order (after `afterSeq` if given), fetching pages lazily. */
  async *iterateEvents(
    runId: string,
    query: ListEventsQuery = {},
    opts?: RequestOptions,
  ): AsyncGenerator<EventDto> {
    yield* paginate((cursor) => this.listEvents(runId, { ...query, cursor }, opts), query.cursor);
  }

  /**
   * A buffer that numbers, batches and sends a run's events in the background; see
   * {@link EventBuffer}. Call `close()` when done.
   */
  events(runId: string, options?: EventBufferOptions): EventBuffer {
    return new EventBuffer(this, runId, options);
  }

  // --- results ----------------------------------------------------------------------------------

  /**
   * Stores dataset-run results (`POST /runs/{id}/results`), split into calls of at most 1000 (and
   * smaller ones past 5 MiB). Safe to retry: a result for an `itemId` already stored replaces it.
   */
  async addResults(
    runId: string,
    results: ResultInput[],
    opts?: RequestOptions,
  ): Promise<{ stored: number }> {
    const answers = await sendInParts(results, (part) =>
      this.send(
        'addResults',
        { params: { id: runId }, body: { results: part } },
        { ...opts, idempotent: true },
      ),
    );
    return { stored: answers.reduce((n, a) => n + a.stored, 0) };
  }

  /** One page of a run's results, by `itemId` (`GET /runs/{id}/results`). */
  listResults(runId: string, query: ListResultsQuery = {}, opts?: RequestOptions): Promise<Page<ResultDto>> {
    return this.send('listResults', { params: { id: runId }, query }, { ...opts });
  }

  // --- scores -----------------------------------------------------------------------------------

  /**
   * Queues scores of runs, steps (`seq`) or dataset results in the client's {@link ScoreBuffer},
   * which sends them with `POST /scores` in batches of at most 1000: on size, after
   * `scoreBuffer.flushIntervalMs`, and on {@link flush} / {@link close}. Resolves at once with the
   * scores' ids, in input order (generated here when not given, so a retried send is a duplicate).
   * Failures surface as for an event buffer: through `scoreBuffer.onError`, and thrown by the next
   * `flush()`; refused scores are kept in `scores.rejected`. Use {@link addScores} to send now and
   * get the server's answer.
   */
  score(scores: ScoreInput | ScoreInput[]): Promise<{ ids: string[] }> {
    try {
      return Promise.resolve({ ids: this.scores.push(scores) });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Sends scores now (`POST /scores`), in calls of at most 1000, and resolves with the server's
   * answer. Each score without an `id` gets one here, so a retry after a lost answer stores nothing
   * twice (the same id and content again is a duplicate). Resolves with the ids, in input order.
   */
  async addScores(
    scores: ScoreInput | ScoreInput[],
    opts?: RequestOptions,
  ): Promise<{ accepted: number; duplicates: number; ids: string[] }> {
    const list = (Array.isArray(scores) ? scores : [scores]).map((s) => ({
      ...s,
      id: s.id ?? crypto.randomUUID(),
    }));
    const answers = await sendInParts(list, (part) =>
      this.send('addScores', { body: { scores: part } }, { ...opts, idempotent: true }),
    );
    return {
      accepted: answers.reduce((n, a) => n + a.accepted, 0),
      duplicates: answers.reduce((n, a) => n + a.duplicates, 0),
      ids: list.map((s) => s.id),
    };
  }

  /** The buffer behind {@link score}: `pending`, `rejected`; made on first use. */
  get scores(): ScoreBuffer {
    this.scoreBuffer ??= new ScoreBuffer(this, this.scoreBufferOptions);
    return this.scoreBuffer;
  }

  /**
   * Sends every queued score and resolves once stored; rejects like {@link ScoreBuffer.flush}
   * (a send that failed, or scores refused since the last flush).
   */
  async flush(): Promise<void> {
    await this.scoreBuffer?.flush();
  }

  /** Flushes the queued scores; {@link score} refuses new ones afterwards. Call it before exiting. */
  async close(): Promise<void> {
    await this.scores.close();
  }

  /** One page of scores, newest first (`GET /scores`), filtered by run, result, name, source, time. */
  listScores(query: ListScoresQuery = {}, opts?: RequestOptions): Promise<Page<ScoreDto>> {
    return this.send('listScores', { query }, { ...opts });
  }

  /** Every score matching the filters, fetching pages lazily. */
  async *iterateScores(query: ListScoresQuery = {}, opts?: RequestOptions): AsyncGenerator<ScoreDto> {
    yield* paginate((cursor) => this.listScores({ ...query, cursor }, opts), query.cursor);
  }

  // --- evaluators -------------------------------------------------------------------------------

  /** The project's evaluators, by name (`GET /evaluators`). */
  async listEvaluators(opts?: RequestOptions): Promise<EvaluatorDto[]> {
    return (await this.send('listEvaluators', {}, { ...opts })).data;
  }

  /**
   * Queues an evaluator (by id) on every result of a dataset run, or on a selection of runs
   * (`POST /evaluators/{id}/runs`); the server scores them in the background, once each.
   */
  runEvaluator(
    evaluatorId: string,
    input: RunEvaluatorInput,
    opts?: RequestOptions,
  ): Promise<RunEvaluatorResult> {
    return this.send(
      'runEvaluator',
      { params: { id: evaluatorId }, body: input },
      { ...opts, idempotent: true },
    );
  }

  // --- reports ----------------------------------------------------------------------------------

  /** Creates a report of a run, or a branch report under `parentReportId` (`POST /runs/{id}/reports`). */
  async createReport(runId: string, input: CreateReportInput, opts?: RequestOptions): Promise<ReportDto> {
    return (await this.send('createReport', { params: { id: runId }, body: input }, { ...opts })).report;
  }

  /** Adds a Markdown section; appended unless `position` is given (`POST /reports/{id}/sections`). */
  async addSection(reportId: string, input: CreateSectionInput, opts?: RequestOptions): Promise<SectionDto> {
    return (await this.send('addSection', { params: { id: reportId }, body: input }, { ...opts })).section;
  }

  /** Changes a report's title or status (`PATCH /reports/{id}`). */
  async updateReport(reportId: string, input: UpdateReportInput, opts?: RequestOptions): Promise<ReportDto> {
    return (await this.send('updateReport', { params: { id: reportId }, body: input }, { ...opts })).report;
  }

  /** A run's reports, each with its sections in order and its branch reports (`GET /runs/{id}/reports`). */
  async listReports(runId: string, opts?: RequestOptions): Promise<ReportDto[]> {
    return (await this.send('listRunReports', { params: { id: runId } }, { ...opts })).data;
  }

  // --- usage and quotas -------------------------------------------------------------------------

  /**
   * Records usage after checking every hard quota (`POST /usage`). An `idempotencyKey` is generated
   * when not given, so the call is retried safely; a quota refusal is a `RunledgerError` with status
   * 429, `retryAfterSeconds` and the windows in `details`.
   */
  recordUsage(input: RecordUsageInput, opts?: RequestOptions): Promise<RecordUsageResult> {
    const body = { ...input, idempotencyKey: input.idempotencyKey ?? crypto.randomUUID() };
    return this.send('recordUsage', { body }, { ...opts, idempotent: true });
  }

  /** The current windows of a subject and metric (`GET /usage`). */
  getUsage(query: UsageQuery, opts?: RequestOptions): Promise<UsageWindows> {
    return this.send('getUsage', { query }, { ...opts });
  }

  /** Usage totals per hour or day bucket (`GET /usage/series`). */
  usageSeries(query: UsageSeriesQuery, opts?: RequestOptions): Promise<UsageSeries> {
    return this.send('usageSeries', { query }, { ...opts });
  }

  /** Creates or replaces the quota of a subject (or `*`), metric and window (`PUT /quotas`). */
  async putQuota(input: PutQuotaInput, opts?: RequestOptions): Promise<QuotaDto> {
    return (await this.send('putQuota', { body: input }, { ...opts })).quota;
  }

  /** Every quota of the project (`GET /quotas`). */
  async listQuotas(opts?: RequestOptions): Promise<QuotaDto[]> {
    return (await this.send('listQuotas', {}, { ...opts })).data;
  }

  /** Deletes a quota (`DELETE /quotas/{id}`). */
  async deleteQuota(quotaId: string, opts?: RequestOptions): Promise<void> {
    await this.send('deleteQuota', { params: { id: quotaId } }, { ...opts, okOnRetry: [404] });
  }

  /**
   * Holds capacity against every hard quota for work whose cost is known only at its end
   * (`POST /usage/reservations`). An `idempotencyKey` is generated when not given, so it is retried
   * safely. Settle it with {@link commitReservation} or {@link releaseReservation}.
   */
  createReservation(input: CreateReservationInput, opts?: RequestOptions): Promise<ReservationCreated> {
    const body = { ...input, idempotencyKey: input.idempotencyKey ?? crypto.randomUUID() };
    return this.send('createReservation', { body }, { ...opts, idempotent: true });
  }

  /**
   * Settles a reservation with the actual amount; the rest is released. Sent once (a second commit
   * is a 409), so a network error leaves the outcome unknown: read it back before retrying.
   */
  commitReservation(
    reservationId: string,
    amount: number,
    opts?: RequestOptions,
  ): Promise<ReservationCommitted> {
    return this.send('commitReservation', { params: { id: reservationId }, body: { amount } }, { ...opts });
  }

  /** Cancels a reservation (`POST /usage/reservations/{id}/release`); sent once, like a commit. */
  releaseReservation(reservationId: string, opts?: RequestOptions): Promise<ReservationReleased> {
    return this.send('releaseReservation', { params: { id: reservationId } }, { ...opts });
  }
}

/** Options of `call`: an abort signal. */
export type CallOptions = RequestOptions;

/** How the named methods send: whether a retry is safe, and which statuses count as success on a retry. */
type SendPolicy = { idempotent?: boolean; okOnRetry?: number[] };

/** `/api/v1/runs/{id}` with `{ id }` filled in, each value encoded. */
function fillPath(template: string, params: object | undefined): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new TypeError(`Runledger: the path parameter ${name} is required`);
    return encodeURIComponent(String(values[name]));
  });
}

/** A query object as flat parameters: a nested object travels as `key.sub=value` (the server folds it back). */
function flattenQuery(query: object): Record<string, string | number | boolean | undefined | null> {
  const flat: Record<string, string | number | boolean | undefined | null> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value && typeof value === 'object') {
      for (const [sub, v] of Object.entries(value)) flat[`${key}.${sub}`] = v as string;
    } else flat[key] = value as string | number | boolean | undefined | null;
  }
  return flat;
}

/**
 * Sends `items` in calls of at most 1000, in order. A call refused as too large (413, past 5 MiB) is
 * split in halves and sent again, down to single items: only safe for idempotent writes.
 */
async function sendInParts<T, R>(items: T[], send: (part: T[]) => Promise<R>): Promise<R[]> {
  const answers: R[] = [];
  const sendPart = async (part: T[]): Promise<void> => {
    try {
      answers.push(await send(part));
    } catch (err) {
      if (!(err instanceof RunledgerError) || err.status !== 413 || part.length < 2) throw err;
      const half = Math.ceil(part.length / 2);
      await sendPart(part.slice(0, half));
      await sendPart(part.slice(half));
    }
  };
  for (let i = 0; i < items.length; i += MAX_BATCH) await sendPart(items.slice(i, i + MAX_BATCH));
  return answers;
}

async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  firstCursor: string | undefined,
): AsyncGenerator<T> {
  let cursor = firstCursor;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
