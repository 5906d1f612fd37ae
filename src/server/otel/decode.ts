import 'server-only';
import protobuf from 'protobufjs';
import { z } from 'zod';
import { AppError } from '../errors';
import descriptor from './otlp-trace.json';

/** An OTLP AnyValue as plain JSON. */
export type OtelValue = string | number | boolean | null | OtelValue[] | { [key: string]: OtelValue };
export type OtelAttributes = Record<string, OtelValue>;

/** One span, the same whichever encoding it came in; ids are lowercase hex. */
export type OtelSpan = {
  traceId: string;
  spanId: string;
  /** Null for a root span. */
  parentSpanId: string | null;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: OtelAttributes;
  events: { name: string; timeNs: bigint; attributes: OtelAttributes }[];
  status: { code: number; message?: string };
  /** The attributes of the resource that emitted the span (service.name, ...). */
  resource: OtelAttributes;
  scope: string | null;
};

export type DecodedExport = { spans: OtelSpan[]; rejected: number; reasons: string[] };

// The official OTLP definitions (src/server/otel/proto), compiled to a protobufjs descriptor by
// scripts/gen-otlp-descriptor.ts.
const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const RequestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ResponseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/** Decodes a protobuf ExportTraceServiceRequest; 400 when the bytes are not one. */
export function decodeProtobuf(body: Uint8Array): DecodedExport {
  let message: unknown;
  try {
    message = RequestType.decode(body);
  } catch {
    throw new AppError('bad_request', 'The body is not an OTLP ExportTraceServiceRequest (protobuf)');
  }
  // The decoded message is read as it is (no toObject: that copy, with 64-bit times as decimal strings
  // and ids as base64, was most of the decode's time): fields are read only when set on the wire (own
  // properties; unset ones are prototype defaults), ids are bytes, times and ints are Longs.
  return collectSpans(message, bytesToHex);
}

/** A list the OTLP/JSON mapping may also send as null (a default value). */
const listOf = <T extends z.ZodType>(item: T) => z.array(item).nullish();
const scopeSpansJson = z.looseObject({ scope: z.looseObject({}).nullish(), spans: listOf(z.unknown()) });

/**
 * The containers of an OTLP/JSON ExportTraceServiceRequest. A body whose containers have another
 * shape is not an export at all (400); a malformed span inside them is one rejected span.
 */
const exportJson = z.looseObject({
  resourceSpans: listOf(
    z.looseObject({
      resource: z.looseObject({ attributes: listOf(z.unknown()) }).nullish(),
      scopeSpans: listOf(scopeSpansJson),
      instrumentationLibrarySpans: listOf(scopeSpansJson),
    }),
  ),
});

/** Reads an OTLP/JSON ExportTraceServiceRequest (ids in hex, as the OTLP/JSON mapping says). */
export function decodeJson(body: Uint8Array): DecodedExport {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON');
  }
  const shape = exportJson.safeParse(obj);
  if (!shape.success) {
    const issues = shape.error.issues.map((i) => ({
      path: i.path.map(String),
      code: i.code,
      message: i.message,
    }));
    const first = issues[0]!;
    const at = first.path.length ? ` at ${first.path.join('.')}` : '';
    throw new AppError(
      'bad_request',
      `The body is not an OTLP ExportTraceServiceRequest${at}: ${first.message}`,
      issues,
    );
  }
  return collectSpans(obj, (id) => (typeof id === 'string' ? id.toLowerCase() : ''));
}

export function encodeProtobufResponse(partial: { rejectedSpans: number; errorMessage: string } | null) {
  const payload = partial
    ? { partialSuccess: { rejectedSpans: partial.rejectedSpans, errorMessage: partial.errorMessage } }
    : {};
  return ResponseType.encode(ResponseType.fromObject(payload)).finish();
}

function bytesToHex(id: unknown): string {
  return id instanceof Uint8Array ? Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex') : '';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const hasOwn = Object.prototype.hasOwnProperty;
/**
 * A field of a decoded message or of parsed JSON, only when it was sent: a protobufjs message carries
 * the defaults of unset fields on its prototype ("" for a string, 0, an empty list), as toObject leaves
 * them out.
 */
const field = (o: Record<string, unknown>, key: string): unknown =>
  hasOwn.call(o, key) ? o[key] : undefined;

/** A protobufjs Long (64-bit integer as two 32-bit halves). */
type LongLike = { low: number; high: number; unsigned?: boolean };
const isLong = (v: unknown): v is LongLike =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as LongLike).low === 'number' &&
  typeof (v as LongLike).high === 'number';
const longToBigInt = (v: LongLike, signed: boolean): bigint => {
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return signed && !v.unsigned ? BigInt.asIntN(64, bits) : bits;
};
const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;
const ZERO = /^0+$/;

/**
 * Walks resourceSpans → scopeSpans → spans. A span that breaks the OTLP rules (ids of the wrong
 * length or all zeros, no name, no start time) is counted as rejected, not stored; the others are kept.
 */
function collectSpans(obj: unknown, idToHex: (id: unknown) => string): DecodedExport {
  const out: DecodedExport = { spans: [], rejected: 0, reasons: [] };
  if (!isRecord(obj)) return out;
  for (const rs of list(field(obj, 'resourceSpans'))) {
    if (!isRecord(rs)) continue;
    const res = field(rs, 'resource');
    const resource = deepGuard(
      () => (isRecord(res) ? attributesOf(field(res, 'attributes')) : {}),
      'resource',
    );
    for (const ss of list(field(rs, 'scopeSpans') ?? field(rs, 'instrumentationLibrarySpans'))) {
      if (!isRecord(ss)) continue;
      const sc = field(ss, 'scope');
      const scopeName = isRecord(sc) ? field(sc, 'name') : undefined;
      const scope = typeof scopeName === 'string' ? scopeName : null;
      for (const raw of list(field(ss, 'spans'))) {
        const span =
          typeof resource === 'string'
            ? resource
            : isRecord(raw)
              ? deepGuard(() => toSpan(raw, idToHex, resource, scope), 'span')
              : 'not an object';
        if (typeof span === 'string') {
          out.rejected++;
          if (out.reasons.length < 5) out.reasons.push(span);
        } else out.spans.push(span);
      }
    }
  }
  return out;
}

/** The value `read` gives, or why it was refused when an attribute value nests too deep. */
export function deepGuard<T>(read: () => T, what: string): T | string {
  try {
    return read();
  } catch (err) {
    if (err instanceof TooDeep) return `${what} attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`;
    throw err;
  }
}

function toSpan(
  raw: Record<string, unknown>,
  idToHex: (id: unknown) => string,
  resource: OtelAttributes,
  scope: string | null,
): OtelSpan | string {
  const traceId = idToHex(field(raw, 'traceId'));
  const spanId = idToHex(field(raw, 'spanId'));
  if (!HEX_TRACE.test(traceId) || ZERO.test(traceId)) return 'invalid traceId';
  if (!HEX_SPAN.test(spanId) || ZERO.test(spanId)) return `span with invalid spanId in trace ${traceId}`;
  const parent = idToHex(field(raw, 'parentSpanId'));
  if (parent !== '' && !HEX_SPAN.test(parent)) return `span ${spanId}: invalid parentSpanId`;
  const name = field(raw, 'name');
  if (typeof name !== 'string' || name === '') return `span ${spanId}: missing name`;
  const startNs = nanos(field(raw, 'startTimeUnixNano'));
  const endNs = nanos(field(raw, 'endTimeUnixNano')) ?? startNs;
  if (!startNs || startNs <= 0n) return `span ${spanId}: missing startTimeUnixNano`;
  const st = field(raw, 'status');
  const status = isRecord(st) ? st : {};
  const kind = field(raw, 'kind');
  const code = field(status, 'code');
  const message = field(status, 'message');
  return {
    traceId,
    spanId,
    parentSpanId: parent === '' || ZERO.test(parent) ? null : parent,
    name: storable(name.slice(0, 500)),
    kind: typeof kind === 'number' ? kind : 0,
    startNs,
    endNs: endNs && endNs >= startNs ? endNs : startNs,
    attributes: attributesOf(field(raw, 'attributes')),
    events: list(field(raw, 'events'))
      .filter(isRecord)
      .map((e) => {
        const eventName = field(e, 'name');
        return {
          name: typeof eventName === 'string' ? eventName : '',
          timeNs: nanos(field(e, 'timeUnixNano')) ?? startNs,
          attributes: attributesOf(field(e, 'attributes')),
        };
      }),
    status: {
      code: typeof code === 'number' ? code : 0,
      ...(typeof message === 'string' && message ? { message } : {}),
    },
    resource,
    scope,
  };
}

function nanos(v: unknown): bigint | null {
  if (isLong(v)) return longToBigInt(v, false);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  return null;
}

/** How deep arrays and key-value lists may nest in an attribute value; a deeper one rejects its span. */
export const MAX_VALUE_DEPTH = 32;
class TooDeep extends Error {}

function attributesOf(v: unknown, depth = 0): OtelAttributes {
  const out: OtelAttributes = {};
  for (const kv of list(v)) {
    if (!isRecord(kv)) continue;
    const key = field(kv, 'key');
    if (typeof key === 'string') out[storable(key)] = anyValue(field(kv, 'value'), depth + 1);
  }
  return out;
}

function anyValue(v: unknown, depth: number): OtelValue {
  if (!isRecord(v)) return null;
  if (depth > MAX_VALUE_DEPTH) throw new TooDeep();
  const s = field(v, 'stringValue');
  if (typeof s === 'string') return storable(s);
  const b = field(v, 'boolValue');
  if (typeof b === 'boolean') return b;
  const i = field(v, 'intValue');
  if (i !== undefined) {
    const big = isLong(i) ? longToBigInt(i, true) : null;
    const n = Number(big ?? i);
    return Number.isSafeInteger(n) ? n : String(big ?? i);
  }
  const d = field(v, 'doubleValue');
  if (d !== undefined) {
    const n = Number(d);
    return Number.isFinite(n) ? n : String(d);
  }
  const arr = field(v, 'arrayValue');
  if (isRecord(arr)) return list(field(arr, 'values')).map((item) => anyValue(item, depth + 1));
  const kvl = field(v, 'kvlistValue');
  if (isRecord(kvl)) return attributesOf(field(kvl, 'values'), depth);
  const bytes = field(v, 'bytesValue');
  if (typeof bytes === 'string') return bytes;
  if (bytes instanceof Uint8Array)
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return null;
}

/** Postgres JSON cannot hold NUL or lone surrogates: replaced rather than failing the export. */
function storable(s: string): string {
  if (s.isWellFormed() && !s.includes('\0')) return s;
  return s.toWellFormed().replaceAll(String.fromCharCode(0), '\uFFFD');
}

// What the logs decoder (decode-logs.ts) shares with the spans'.
export { anyValue, attributesOf, bytesToHex, field, isRecord, list, nanos, root as otlpRoot, storable };
