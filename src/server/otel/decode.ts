import 'server-only';
import protobuf from 'protobufjs';
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
  let obj: unknown;
  try {
    const message = RequestType.decode(body);
    obj = RequestType.toObject(message, { longs: String, bytes: String, enums: Number, arrays: true });
  } catch {
    throw new AppError('bad_request', 'The body is not an OTLP ExportTraceServiceRequest (protobuf)');
  }
  return collectSpans(obj, base64ToHex);
}

/** Reads an OTLP/JSON ExportTraceServiceRequest (ids in hex, as the OTLP/JSON mapping says). */
export function decodeJson(body: Uint8Array): DecodedExport {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON');
  }
  if (!isRecord(obj)) throw new AppError('bad_request', 'The body is not an OTLP ExportTraceServiceRequest');
  return collectSpans(obj, (id) => (typeof id === 'string' ? id.toLowerCase() : ''));
}

export function encodeProtobufResponse(partial: { rejectedSpans: number; errorMessage: string } | null) {
  const payload = partial
    ? { partialSuccess: { rejectedSpans: partial.rejectedSpans, errorMessage: partial.errorMessage } }
    : {};
  return ResponseType.encode(ResponseType.fromObject(payload)).finish();
}

function base64ToHex(id: unknown): string {
  return typeof id === 'string' ? Buffer.from(id, 'base64').toString('hex') : '';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
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
  for (const rs of list(obj.resourceSpans)) {
    if (!isRecord(rs)) continue;
    const resource = isRecord(rs.resource) ? attributesOf(rs.resource.attributes) : {};
    for (const ss of list(rs.scopeSpans ?? rs.instrumentationLibrarySpans)) {
      if (!isRecord(ss)) continue;
      const scope = isRecord(ss.scope) && typeof ss.scope.name === 'string' ? ss.scope.name : null;
      for (const raw of list(ss.spans)) {
        const span = isRecord(raw) ? toSpan(raw, idToHex, resource, scope) : 'not an object';
        if (typeof span === 'string') {
          out.rejected++;
          if (out.reasons.length < 5) out.reasons.push(span);
        } else out.spans.push(span);
      }
    }
  }
  return out;
}

function toSpan(
  raw: Record<string, unknown>,
  idToHex: (id: unknown) => string,
  resource: OtelAttributes,
  scope: string | null,
): OtelSpan | string {
  const traceId = idToHex(raw.traceId);
  const spanId = idToHex(raw.spanId);
  if (!HEX_TRACE.test(traceId) || ZERO.test(traceId)) return 'invalid traceId';
  if (!HEX_SPAN.test(spanId) || ZERO.test(spanId)) return `span with invalid spanId in trace ${traceId}`;
  const parent = idToHex(raw.parentSpanId);
  if (parent !== '' && !HEX_SPAN.test(parent)) return `span ${spanId}: invalid parentSpanId`;
  if (typeof raw.name !== 'string' || raw.name === '') return `span ${spanId}: missing name`;
  const startNs = nanos(raw.startTimeUnixNano);
  const endNs = nanos(raw.endTimeUnixNano) ?? startNs;
  if (!startNs || startNs <= 0n) return `span ${spanId}: missing startTimeUnixNano`;
  const status = isRecord(raw.status) ? raw.status : {};
  return {
    traceId,
    spanId,
    parentSpanId: parent === '' || ZERO.test(parent) ? null : parent,
    name: storable(raw.name.slice(0, 500)),
    kind: typeof raw.kind === 'number' ? raw.kind : 0,
    startNs,
    endNs: endNs && endNs >= startNs ? endNs : startNs,
    attributes: attributesOf(raw.attributes),
    events: list(raw.events)
      .filter(isRecord)
      .map((e) => ({
        name: typeof e.name === 'string' ? e.name : '',
        timeNs: nanos(e.timeUnixNano) ?? startNs,
        attributes: attributesOf(e.attributes),
      })),
    status: {
      code: typeof status.code === 'number' ? status.code : 0,
      ...(typeof status.message === 'string' && status.message ? { message: status.message } : {}),
    },
    resource,
    scope,
  };
}

function nanos(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  return null;
}

function attributesOf(v: unknown): OtelAttributes {
  const out: OtelAttributes = {};
  for (const kv of list(v)) {
    if (isRecord(kv) && typeof kv.key === 'string') out[storable(kv.key)] = anyValue(kv.value);
  }
  return out;
}

function anyValue(v: unknown): OtelValue {
  if (!isRecord(v)) return null;
  if (typeof v.stringValue === 'string') return storable(v.stringValue);
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : String(v.doubleValue);
  }
  if (isRecord(v.arrayValue)) return list(v.arrayValue.values).map(anyValue);
  if (isRecord(v.kvlistValue)) return attributesOf(v.kvlistValue.values);
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  return null;
}

/** Postgres JSON cannot hold NUL or lone surrogates: replaced rather than failing the export. */
function storable(s: string): string {
  return s.toWellFormed().replaceAll(String.fromCharCode(0), '\uFFFD');
}
