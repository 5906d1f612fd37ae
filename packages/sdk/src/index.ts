/**
 * runledger's TypeScript client: the HTTP API v1, an event buffer, an AI SDK recorder and a dataset
 * runner. Framework-free; Node 22 or later. Only `eventsToUIMessages`
 * loads the `ai` package at runtime; the recorder uses its types.
 */
export { Runledger } from './client';
export { routes } from './contract.gen';
export type {
  FinishRunInput,
  ListEventsQuery,
  ListResultsQuery,
  ListRunsQuery,
  ReservationCommitted,
  ReservationCreated,
  ReservationReleased,
  ReservationSettled,
  RunledgerOptions,
  UsageQuery,
  UsageSeries,
  UsageSeriesQuery,
  UsageWindows,
} from './types';
export { RunledgerError, serializeError, type RunledgerErrorCode } from './errors';
export { EventBuffer, type EventBufferOptions } from './event-buffer';
export type { FetchLike, RequestOptions } from './http';
export {
  recordStreamText,
  recordUIMessageStream,
  type Recording,
  type RecordingOutcome,
  type RecordRunOptions,
  type RecordStreamTextOptions,
  type StreamTextLike,
} from './recorder';
export { eventsToUIMessages } from './replay';
export {
  runDataset,
  type DatasetItem,
  type DatasetRunSummary,
  type RunDatasetOptions,
  type Scorer,
  type ScorerAnswer,
} from './dataset-runner';
export type {
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
  ReservationDto,
  ResultDto,
  ResultInput,
  RouteName,
  RunDto,
  ScoreDto,
  ScoreInput,
  ListScoresQuery,
  SectionDto,
  UpdateReportInput,
  UpdateRunInput,
  UsageWindowDto,
} from './contract';
export type { CallOptions } from './client';
export { runledgerTelemetry, type RunledgerTelemetry, type RunledgerTelemetryOptions } from './telemetry';
export { Shipper, type ShipperOptions } from './shipper';
