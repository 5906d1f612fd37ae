import { gunzipSync } from 'node:zlib';
import { AppError } from '@/server/errors';
import { MAX_BODY_BYTES, readRawBody } from './body';

/** A gzip body may inflate to this much; past it the export is refused like an oversized one (413). */
const MAX_INFLATED_BYTES = 4 * MAX_BODY_BYTES;

export type OtlpFormat = 'protobuf' | 'json';

/**
 * The body of an OTLP/HTTP export (traces or logs), as the OTLP/HTTP spec says: protobuf or JSON
 * (by content type), gzip or not; 415 for another type or encoding, 413 when it inflates too far.
 */
export async function readOtlpBody(request: Request): Promise<{ format: OtlpFormat; body: Uint8Array }> {
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
  return { format, body };
}

type PartialSuccess<F extends string> = (Record<F, number> & { errorMessage: string }) | null;

/**
 * The answer to an OTLP export, in the request's format: `{}`, or a partial success naming how many
 * items were rejected (in `field`: `rejectedSpans`, `rejectedLogRecords`) and why. OTLP/JSON writes
 * the count as a string (an int64).
 */
export function otlpAnswer<F extends string>(
  format: OtlpFormat,
  field: F,
  rejected: { count: number; errorMessage: string },
  encodeProtobuf: (partial: PartialSuccess<F>) => Uint8Array,
) {
  const partial =
    rejected.count > 0
      ? ({ [field]: rejected.count, errorMessage: rejected.errorMessage } as PartialSuccess<F>)
      : null;
  if (format === 'protobuf') {
    return {
      status: 200 as const,
      body: encodeProtobuf(partial),
      headers: { 'content-type': 'application/x-protobuf' },
    };
  }
  return {
    status: 200 as const,
    body: partial
      ? {
          partialSuccess: { [field]: String(rejected.count), errorMessage: rejected.errorMessage } as Record<
            F,
            string
          > & { errorMessage: string },
        }
      : {},
  };
}
