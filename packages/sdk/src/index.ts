/**
 * runledger's TypeScript client: the HTTP API v1, an event buffer, an AI SDK recorder and a dataset
 * runner. Framework-free; Node 22 or later. Only `eventsToUIMessages`
 * loads the `ai` package at runtime; the recorder uses its types.
 */
export { Runledger } from './client';
export { routes } from './contract.gen';
export type * from './types';
export { RunledgerError, serializeError, type RunledgerErrorCode } from './errors';
export { EventBuffer, type EventBufferOptions } from './event-buffer';
export { ScoreBuffer, type QueuedScore, type ScoreBufferOptions } from './score-buffer';
export type { FetchLike, RequestOptions } from './http';
export {
  recordStreamText,
  recordUIMessageStream,
  type Recording,
  type RecordingOutcome,
  type RecordingScore,
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
export type * from './contract';
export type { CallOptions } from './client';
export { runledgerTelemetry, type RunledgerTelemetry, type RunledgerTelemetryOptions } from './telemetry';
export { Shipper, type ShipperOptions } from './shipper';
