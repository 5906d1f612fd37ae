import 'server-only';
import { AppError } from '../errors';
import {
  anyValue,
  attributesOf,
  bytesToHex,
  deepGuard,
  field,
  isRecord,
  list,
  nanos,
  type OtelAttributes,
  type OtelValue,
  otlpRoot,
  storable,
} from './decode';

/** One log record, the same whichever encoding it came in; ids are lowercase hex, null when unset. */
export type OtelLogRecord = {
  /** Nanoseconds since the epoch: the event's time, else when the SDK observed it. */
  timeNs: bigint;
  traceId: string | null;
  spanId: string | null;
  severityNumber: number;
  severityText: string | null;
  /** The record's `event_name` (or its legacy `event.name` attribute): what kind of event it is. */
  eventName: string | null;
  body: OtelValue;
  attributes: OtelAttributes;
  /** The attributes of the resource that emitted it (service.name, ...). */
  resource: OtelAttributes;
  scope: string | null;
};

export type DecodedLogs = { records: OtelLogRecord[]; rejected: number; reasons: string[] };

const RequestType = otlpRoot.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
const ResponseType = otlpRoot.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');

/** Decodes a protobuf ExportLogsServiceRequest; 400 when the bytes are not one. */
export function decodeLogsProtobuf(body: Uint8Array): DecodedLogs {
  let message: unknown;
  try {
    message = RequestType.decode(body);
  } catch {
    throw new AppError('bad_request', 'The body is not an OTLP ExportLogsServiceRequest (protobuf)');
  }
  return collectRecords(message, bytesToHex);
}

/** Reads an OTLP/JSON ExportLogsServiceRequest (ids in hex). */
export function decodeLogsJson(body: Uint8Array): DecodedLogs {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new AppError('bad_request', 'The body is not valid JSON');
  }
  if (!isRecord(obj)) throw new AppError('bad_request', 'The body is not an OTLP ExportLogsServiceRequest');
  return collectRecords(obj, (id) => (typeof id === 'string' ? id.toLowerCase() : ''));
}

export function encodeLogsProtobufResponse(
  partial: { rejectedLogRecords: number; errorMessage: string } | null,
) {
  const payload = partial
    ? {
        partialSuccess: {
          rejectedLogRecords: partial.rejectedLogRecords,
          errorMessage: partial.errorMessage,
        },
      }
    : {};
  return ResponseType.encode(ResponseType.fromObject(payload)).finish();
}

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;
const ZERO = /^0+$/;

/**
 * Walks resourceLogs → scopeLogs → logRecords. A record with ids of the wrong length or no time at
 * all is counted as rejected; the others are kept (ids all zeros or empty mean "not correlated").
 */
function collectRecords(obj: unknown, idToHex: (id: unknown) => string): DecodedLogs {
  const out: DecodedLogs = { records: [], rejected: 0, reasons: [] };
  if (!isRecord(obj)) return out;
  for (const rl of list(field(obj, 'resourceLogs'))) {
    if (!isRecord(rl)) continue;
    const res = field(rl, 'resource');
    const resource = deepGuard(
      () => (isRecord(res) ? attributesOf(field(res, 'attributes')) : {}),
      'resource',
    );
    for (const sl of list(field(rl, 'scopeLogs'))) {
      if (!isRecord(sl)) continue;
      const sc = field(sl, 'scope');
      const scopeName = isRecord(sc) ? field(sc, 'name') : undefined;
      const scope = typeof scopeName === 'string' ? scopeName : null;
      for (const raw of list(field(sl, 'logRecords'))) {
        const record =
          typeof resource === 'string'
            ? resource
            : isRecord(raw)
              ? deepGuard(() => toRecord(raw, idToHex, resource, scope), 'log record')
              : 'not an object';
        if (typeof record === 'string') {
          out.rejected++;
          if (out.reasons.length < 5) out.reasons.push(record);
        } else out.records.push(record);
      }
    }
  }
  return out;
}

function toRecord(
  raw: Record<string, unknown>,
  idToHex: (id: unknown) => string,
  resource: OtelAttributes,
  scope: string | null,
): OtelLogRecord | string {
  const traceId = idToHex(field(raw, 'traceId'));
  const spanId = idToHex(field(raw, 'spanId'));
  if (traceId !== '' && !HEX_TRACE.test(traceId)) return 'log record with an invalid traceId';
  if (spanId !== '' && !HEX_SPAN.test(spanId)) return 'log record with an invalid spanId';
  const time = nanos(field(raw, 'timeUnixNano'));
  const observed = nanos(field(raw, 'observedTimeUnixNano'));
  const timeNs = time && time > 0n ? time : observed;
  if (!timeNs || timeNs <= 0n) return 'log record with neither timeUnixNano nor observedTimeUnixNano';
  const attributes = attributesOf(field(raw, 'attributes'));
  const severityNumber = field(raw, 'severityNumber');
  const severityText = field(raw, 'severityText');
  const eventName = field(raw, 'eventName');
  const legacyName = attributes['event.name'];
  const name = typeof eventName === 'string' && eventName ? eventName : legacyName;
  return {
    timeNs,
    traceId: traceId === '' || ZERO.test(traceId) ? null : traceId,
    spanId: spanId === '' || ZERO.test(spanId) ? null : spanId,
    severityNumber: typeof severityNumber === 'number' ? severityNumber : 0,
    severityText: typeof severityText === 'string' && severityText ? severityText : null,
    eventName: typeof name === 'string' && name ? storable(name.slice(0, 200)) : null,
    body: anyValue(field(raw, 'body'), 0),
    attributes,
    resource,
    scope,
  };
}
