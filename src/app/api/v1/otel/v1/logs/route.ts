import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  encodeLogsProtobufResponse,
  ingestLogRecords,
} from '@/server/otel';
import { otlpAnswer, readOtlpBody } from '../../../_lib/otlp';
import { apiRoute, otherMethods } from '../../../_lib/route';

/**
 * OTLP/HTTP logs (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`): protobuf or JSON, gzip or not. Records become
 * events of their runs; see src/server/otel/logs.ts. Invalid or uncorrelated records are answered as a
 * partial success.
 */
export const POST = apiRoute(routes.otlpLogs, async ({ projectId, request }) => {
  const { format, body } = await readOtlpBody(request);
  const decoded = format === 'protobuf' ? decodeLogsProtobuf(body) : decodeLogsJson(body);
  const stored = await ingestLogRecords(getDb(), projectId, decoded.records);
  if (stored.uncorrelated > 0) {
    decoded.rejected += stored.uncorrelated;
    decoded.reasons.push(
      `${stored.uncorrelated} record(s) with neither a trace id nor a gen_ai.response.id (runledger keeps the records of runs)`,
    );
  }
  return otlpAnswer(
    format,
    'rejectedLogRecords',
    {
      count: decoded.rejected,
      errorMessage: `Rejected ${decoded.rejected} log record(s): ${decoded.reasons.join('; ')}`,
    },
    encodeLogsProtobufResponse,
  );
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
