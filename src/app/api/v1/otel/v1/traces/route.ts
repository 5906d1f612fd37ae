import { gunzipSync } from 'node:zlib';
import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { AppError } from '@/server/errors';
import { decodeJson, decodeProtobuf, encodeProtobufResponse, ingestSpans } from '@/server/otel';
import { MAX_BODY_BYTES, readRawBody } from '../../../_lib/body';
import { apiRoute, otherMethods } from '../../../_lib/route';

/** A gzip body may inflate to this much; past it the export is refused like an oversized one (413). */
const MAX_INFLATED_BYTES = 4 * MAX_BODY_BYTES;

/**
 * OTLP/HTTP traces (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): protobuf or JSON, gzip or not. Each trace
 * becomes a run; see src/server/otel. Invalid spans are answered as a partial success.
 */
export const POST = apiRoute(routes.otlpTraces, async ({ projectId, request }) => {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const format = type === 'application/x-protobuf' ? 'protobuf' : type === 'application/json' ? 'json' : null;
  if (!format) {
    throw new AppError(
      'unsupported_media_type',
      'The body must be application/x-protobuf or application/json',
    );
  }
  let body: Uint8Array = await readRawBody(request);
  const encoding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (encoding === 'gzip') {
    try {
      body = gunzipSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new AppError(
          'payload_too_large',
          `The inflated body is larger than ${MAX_INFLATED_BYTES} bytes`,
        );
      }
      throw new AppError('bad_request', 'The body is not valid gzip');
    }
  } else if (encoding && encoding !== 'identity') {
    throw new AppError('unsupported_media_type', `Content-Encoding ${encoding} is not supported (use gzip)`);
  }
  const decoded = format === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
  const stored = await ingestSpans(getDb(), projectId, decoded.spans);
  if (stored.refused > 0) {
    decoded.rejected += stored.refused;
    decoded.reasons.push(`${stored.refused} span(s) of a trace whose run id belongs to another project`);
  }
  const partial =
    decoded.rejected > 0
      ? {
          rejectedSpans: decoded.rejected,
          errorMessage: `Rejected ${decoded.rejected} invalid span(s): ${decoded.reasons.join('; ')}`,
        }
      : null;
  if (format === 'protobuf') {
    return {
      status: 200,
      body: encodeProtobufResponse(partial),
      headers: { 'content-type': 'application/x-protobuf' },
    };
  }
  return {
    status: 200,
    body: partial
      ? {
          partialSuccess: {
            rejectedSpans: String(partial.rejectedSpans),
            errorMessage: partial.errorMessage,
          },
        }
      : {},
  };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
