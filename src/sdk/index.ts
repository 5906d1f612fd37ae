/**
 * runledger's TypeScript client: the HTTP API v1, an event buffer, an AI SDK recorder and a dataset
 * runner. Framework-free; needs Node 20.3+ (global `fetch`, `AbortSignal.any`). Only `eventsToUIMessages`
 * loads the `ai` package at runtime; the recorder uses its types.
 */
export { Runledger } from './client';
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
} from './dataset-runner';
export type { Page } from '../lib/contract/common';
export type { AppendEventsResult, EventDto, EventInput } from '../lib/contract/events';
export type {
  CreateReportInput,
  CreateSectionInput,
  ReportDto,
  SectionDto,
  UpdateReportInput,
} from '../lib/contract/reports';
export type { ResultDto, ResultInput } from '../lib/contract/results';
export type { CreateRunInput, RunDto, UpdateRunInput } from '../lib/contract/runs';
export type {
  CreateReservationInput,
  PutQuotaInput,
  QuotaDto,
  RecordUsageInput,
  RecordUsageResult,
  ReservationDto,
  UsageWindowDto,
} from '../lib/contract/usage';
export { runledgerTelemetry, type RunledgerTelemetry, type RunledgerTelemetryOptions } from './telemetry';
export { Shipper, type ShipperOptions } from './shipper';
