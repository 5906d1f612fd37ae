import 'server-only';
import { noPhaseTimer, type PhaseTimer } from '@/lib/phase-timer';
import { AppError } from '@/server/errors';
import { assertStorableJson } from './json-safety';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Reads a JSON body's text: 415 unless the content type is JSON, 413 past 5 MiB (by Content-Length, or
 * while streaming, so an oversized body is never buffered whole). Parse it with parseJsonText.
 */
export async function readJsonText(request: Request, timing: PhaseTimer = noPhaseTimer): Promise<string> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(type.trim())) {
    throw new AppError('unsupported_media_type', 'The body must be application/json');
  }
  const t = performance.now();
  const text = (await readRawBody(request)).toString('utf8');
  timing.add('body', performance.now() - t);
  return text;
}

/**
 * Parses a JSON body's text: 400 when it is empty, does not parse, or holds what the database cannot
 * store (NUL characters, lone surrogates, nesting past 100 levels).
 */
export function parseJsonText(text: string, timing: PhaseTimer = noPhaseTimer): unknown {
  if (text.trim() === '') throw new AppError('bad_request', 'A JSON body is required');
  const t = performance.now();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON');
  }
  assertStorableJson(value, text);
  timing.add('parse', performance.now() - t);
  return value;
}

/**
 * Reads a body as bytes, at most `limit` (413 past it, by Content-Length or while streaming, so an
 * oversized body is never buffered whole). 400 when there is no body.
 */
export async function readRawBody(request: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) throw new AppError('bad_request', 'A body is required');
  // With a Content-Length within the limit, the HTTP parser delivers exactly that many bytes: read them
  // in one call. Without one (chunked), count while streaming.
  if (Number.isFinite(declared)) return Buffer.from(await request.arrayBuffer());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit = MAX_BODY_BYTES) =>
  new AppError('payload_too_large', `The body is larger than ${limit} bytes (${limit / 1024 / 1024} MiB)`);
