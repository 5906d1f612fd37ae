import type { RunFilters, UpdateRunInput } from '../lib/contract/runs';
import type { ReservationDto, UsageWindowDto } from '../lib/contract/usage';
import type { FetchLike } from './http';

export type RunledgerOptions = {
  /** Where runledger runs, e.g. `http://localhost:3000` (the client appends `/api/v1/...`). */
  baseUrl: string;
  /** A project's API key (`rl_...`); `npm run cli -- keys create --project <slug>` prints one. */
  apiKey: string;
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

/** Query of `GET /runs`: filters (`from`/`to` on `createdAt`, `q` a name substring) and paging. */
export type ListRunsQuery = RunFilters & { limit?: number; cursor?: string };
/** Query of `GET /runs/{id}/events`. */
export type ListEventsQuery = { afterSeq?: number; limit?: number; cursor?: string };
/** Query of `GET /runs/{id}/results`. */
export type ListResultsQuery = { status?: 'succeeded' | 'failed'; limit?: number; cursor?: string };
/** Fields of `PATCH /runs/{id}` that `finishRun` accepts besides the status. */
export type FinishRunInput = Omit<UpdateRunInput, 'status'> & {
  /** Default `succeeded`. */
  status?: 'succeeded' | 'failed' | 'cancelled';
};
export type UsageSeriesQuery = {
  metric: string;
  subject?: string;
  from?: string;
  to?: string;
  bucket?: 'hour' | 'day';
};
export type UsageWindows = { windows: UsageWindowDto[] };
export type UsageSeries = { data: { bucket: string; total: number }[] };
export type ReservationCreated = { reservation: ReservationDto; windows: UsageWindowDto[] };
/** The answer of commit/release: the settled reservation, plus any fields the server adds (overage). */
export type ReservationSettled = { reservation: ReservationDto } & Record<string, unknown>;
