import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { decodeJson, decodeProtobuf, encodeProtobufResponse, ingestSpans } from '@/server/otel';
import { otlpAnswer, readOtlpBody } from '../../../_lib/otlp';
import { apiRoute, otherMethods } from '../../../_lib/route';

/**
 * OTLP/HTTP traces (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): protobuf or JSON, gzip or not. Each trace
 * becomes a run; see src/server/otel. Invalid spans are answered as a partial success.
 */
export const POST = apiRoute(routes.otlpTraces, async ({ projectId, request }) => {
  const { format, body } = await readOtlpBody(request);
  const decoded = format === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
  await ingestSpans(getDb(), projectId, decoded.spans);
  return otlpAnswer(
    format,
    'rejectedSpans',
    {
      count: decoded.rejected,
      errorMessage: `Rejected ${decoded.rejected} invalid span(s): ${decoded.reasons.join('; ')}`,
    },
    encodeProtobufResponse,
  );
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
