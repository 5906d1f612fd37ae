import type { BodyInput, QueryInput, ResponseBody } from '../lib/contract/route';
import type { routes } from '../lib/contract/routes';
import type { finishedStatuses } from '../lib/contract/runs';
import type { FetchLike } from './http';

export type RunledgerOptions = {
  /** Where runledger runs, e.g. `http://localhost:3000` (the client appends `/api/v1/...`). */
  baseUrl: string;
  /** A project's API key (`rl_...`); `npm run cli -- keys create --project <slug>` prints one. */
  apiKey: string;
  /**
   * The slug of the key's project, for `runUrl`: with it, links go straight to `/p/<slug>/runs/<id>`;
   * without it, to the permalink `/runs/<id>`, which the dashboard sends to the run's own project.
   */
  project?: string;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: FetchLike;
  /** Per attempt; default 30 000. */
  timeoutMs?: number;
  /** Retries of idempotent calls after network errors and 5xx; default 3. */
  maxRetries?: number;
  /** First backoff delay, doubled at each retry with full jitter; default 250. */
  retryBaseDelayMs?: number;
  /** Longest backoff delay; default 8 000. */
  retryMaxDelayMs?: number;
};

// Every type below is derived from the route declarations the server parses and answers with
// (type-only imports: the SDK stays framework-free at run time).

/** Query of `GET /runs`: filters (`from`/`to` on `createdAt`, `q` a name substring) and paging. */
export type ListRunsQuery = QueryInput<typeof routes.listRuns>;
/** Query of `GET /runs/{id}/events`. */
export type ListEventsQuery = QueryInput<typeof routes.listEvents>;
/** Query of `GET /runs/{id}/results`. */
export type ListResultsQuery = QueryInput<typeof routes.listResults>;
/** Fields of `PATCH /runs/{id}` that `finishRun` accepts besides the status. */
export type FinishRunInput = Omit<BodyInput<typeof routes.updateRun>, 'status'> & {
  /** Default `succeeded`. */
  status?: (typeof finishedStatuses)[number];
};
export type UsageQuery = QueryInput<typeof routes.getUsage>;
export type UsageSeriesQuery = QueryInput<typeof routes.usageSeries>;
export type UsageWindows = ResponseBody<typeof routes.getUsage>;
export type UsageSeries = ResponseBody<typeof routes.usageSeries>;
export type ReservationCreated = ResponseBody<typeof routes.createReservation>;
/** The answer of commit: the settled reservation, its windows, `overrunBy` and `late`. */
export type ReservationCommitted = ResponseBody<typeof routes.commitReservation>;
/** The answer of release: the released reservation and its windows. */
export type ReservationReleased = ResponseBody<typeof routes.releaseReservation>;
/** Either settlement's answer (commit adds `overrunBy` and `late`). */
export type ReservationSettled = ReservationCommitted | ReservationReleased;
