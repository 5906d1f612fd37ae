export {
  decodeJson,
  decodeProtobuf,
  encodeProtobufResponse,
  type DecodedExport,
  type OtelSpan,
} from './decode';
export { ingestSpans, type IngestResult } from './ingest';
export { traceRunId } from './trace';
