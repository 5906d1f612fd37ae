export {
  decodeJson,
  decodeProtobuf,
  encodeProtobufResponse,
  type DecodedExport,
  type OtelSpan,
} from './decode';
export {
  type DecodedLogs,
  decodeLogsJson,
  decodeLogsProtobuf,
  encodeLogsProtobufResponse,
  type OtelLogRecord,
} from './decode-logs';
export type { IngestResult } from './ingest';
export { attachPending, ingestLogRecords, ingestSpans, type LogIngestResult } from './logs';
export { traceRunId } from './trace';
