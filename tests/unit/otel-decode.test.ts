/** OTLP decoding: the protobuf message is read as decoded (no toObject), and reads as its JSON twin. */
import protobuf from 'protobufjs';
import { expect, it } from 'vitest';
import { decodeJson, decodeProtobuf } from '@/server/otel/decode';
import descriptor from '@/server/otel/otlp-trace.json';

const Request = protobuf.Root.fromJSON(descriptor as protobuf.INamespace).lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);

const hex = (h: string) => Buffer.from(h, 'hex');
// Beyond 2^53: a nanosecond time must keep its last digits.
const START = '1764300000123456789';
const END = '1764300000987654321';

/** One export in the OTLP/JSON shape (ids hex, 64-bit numbers as strings). */
const jsonExport = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'scope-a' },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
              parentSpanId: '00f067aa0ba902b7',
              name: 'chat model',
              kind: 3,
              startTimeUnixNano: START,
              endTimeUnixNano: END,
              attributes: [
                { key: 'nul', value: { stringValue: 'a\u0000b' } },
                { key: 'empty', value: { stringValue: '' } },
                { key: 'int', value: { intValue: '42' } },
                { key: 'neg', value: { intValue: '-7' } },
                { key: 'huge', value: { intValue: '9007199254740993' } },
                { key: 'zero', value: { intValue: '0' } },
                { key: 'dbl', value: { doubleValue: 1.5 } },
                { key: 'no', value: { boolValue: false } },
                { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                {
                  key: 'map',
                  value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
                },
                { key: 'bytes', value: { bytesValue: Buffer.from('hi').toString('base64') } },
              ],
              events: [
                {
                  name: 'exception',
                  timeUnixNano: START,
                  attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }],
                },
              ],
              status: { code: 2, message: 'bad' },
            },
            // A root span with no status, no kind, no attributes.
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: '00f067aa0ba902b7',
              name: 'root',
              startTimeUnixNano: START,
            },
            // Invalid: no name; all-zero span id.
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: '1111111111111111',
              startTimeUnixNano: START,
            },
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: '0000000000000000',
              name: 'z',
              startTimeUnixNano: START,
            },
          ],
        },
      ],
    },
    // A resource and scope without names or attributes.
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: '1af7651916cd43dd8448eb211c80319c',
              spanId: 'a7ad6b7169203331',
              name: 'bare',
              startTimeUnixNano: '5',
            },
          ],
        },
      ],
    },
  ],
};

/** The same export as protobuf: ids as bytes, 64-bit numbers as Longs (protobufjs's fromObject). */
function toProtobuf(): Uint8Array {
  const ids = structuredClone(jsonExport) as unknown as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  for (const rs of ids.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans)
        for (const k of ['traceId', 'spanId', 'parentSpanId'])
          if (typeof span[k] === 'string') span[k] = hex(span[k] as string);
  const bytesAttr = (
    ids.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes as { value: Record<string, unknown> }[]
  )[10]!;
  bytesAttr.value.bytesValue = Buffer.from('hi');
  return Request.encode(Request.fromObject(ids)).finish();
}

it('decodes every attribute type, 64-bit times and ints, events, status, resource and scope from protobuf', () => {
  const decoded = decodeProtobuf(toProtobuf());
  expect(decoded.rejected).toBe(2);
  expect(decoded.reasons).toEqual([
    'span 1111111111111111: missing name',
    'span with invalid spanId in trace 0af7651916cd43dd8448eb211c80319c',
  ]);
  const [chat, root, bare] = decoded.spans;
  expect(chat).toEqual({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '00f067aa0ba902b7',
    name: 'chat model',
    kind: 3,
    startNs: BigInt(START),
    endNs: BigInt(END),
    attributes: {
      nul: 'a\uFFFDb',
      empty: '',
      int: 42,
      neg: -7,
      huge: '9007199254740993',
      zero: 0,
      dbl: 1.5,
      no: false,
      list: ['a', 2],
      map: { k: true },
      bytes: Buffer.from('hi').toString('base64'),
    },
    events: [{ name: 'exception', timeNs: BigInt(START), attributes: { 'exception.message': 'boom' } }],
    status: { code: 2, message: 'bad' },
    resource: { 'service.name': 'svc' },
    scope: 'scope-a',
  });
  expect(root).toMatchObject({
    parentSpanId: null,
    kind: 0,
    attributes: {},
    events: [],
    status: { code: 0 },
  });
  expect(root!.status).toEqual({ code: 0 });
  expect(root!.endNs).toBe(BigInt(START));
  expect(bare).toMatchObject({ resource: {}, scope: null, startNs: 5n });
});

it('reads the same spans from the OTLP/JSON encoding of the export', () => {
  const fromJson = decodeJson(Buffer.from(JSON.stringify(jsonExport)));
  expect(fromJson).toEqual(decodeProtobuf(toProtobuf()));
});

it('stores a lone surrogate of a JSON export as U+FFFD (a protobuf string must be UTF-8)', () => {
  const body = JSON.stringify(jsonExport).replace('a\\u0000b', 'x\\ud800y');
  expect(body).toContain('x\\ud800y');
  expect(decodeJson(Buffer.from(body)).spans[0]!.attributes.nul).toBe('x\uFFFDy');
});

it('answers 400 for bytes that are not an export', () => {
  expect(() => decodeProtobuf(Buffer.from([0x0a, 0xff, 0xff, 0xff]))).toThrow(/not an OTLP/);
});
