import type { CallQuery, CallResult, UpdateRunInput } from './contract';
import type { finishedStatuses } from './contract.gen';
import type { FetchLike } from './http';
import type { ScoreBufferOptions } from './score-buffer';

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
  /** How `score()` batches: size, wait, and the callback of failed background sends. */
  scoreBuffer?: ScoreBufferOptions;
};

/** Query of `GET /runs`: filters (`from`/`to` on `createdAt`, `q` a name substring) and paging. */
export type ListRunsQuery = CallQuery<'listRuns'>;
/** Query of `GET /runs/{id}/events`. */
export type ListEventsQuery = CallQuery<'listEvents'>;
/** Query of `GET /runs/{id}/results`. */
export type ListResultsQuery = CallQuery<'listResults'>;
/** Fields of `PATCH /runs/{id}` that `finishRun` accepts besides the status. */
export type FinishRunInput = Omit<UpdateRunInput, 'status'> & {
  /** Default `succeeded`. */
  status?: (typeof finishedStatuses)[number];
};
export type UsageQuery = CallQuery<'getUsage'>;
export type UsageSeriesQuery = CallQuery<'usageSeries'>;
export type UsageWindows = CallResult<'getUsage'>;
export type UsageSeries = CallResult<'usageSeries'>;
export type ReservationCreated = CallResult<'createReservation'>;
/** The answer of commit: the settled reservation, its windows, `overrunBy` and `late`. */
export type ReservationCommitted = CallResult<'commitReservation'>;
/** The answer of release: the released reservation and its windows. */
export type ReservationReleased = CallResult<'releaseReservation'>;
/** Either settlement's answer (commit adds `overrunBy` and `late`). */
export type ReservationSettled = ReservationCommitted | ReservationReleased;
