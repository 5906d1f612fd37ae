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
export { attachPending, ingestLogRecords, type LogIngestResult } from './logs';
export { ingestSpans } from './spans';
export { traceRunId } from './trace';
