import { z } from 'zod';
import { otlpExportResponse } from '../otel';
import { defineRoute, writeErrors } from '../route';

export const otlpTraces = defineRoute({
  method: 'POST',
  path: '/api/v1/otel/v1/traces',
  tag: 'OpenTelemetry',
  summary: 'OTLP/HTTP traces export: each trace becomes a run',
  description:
    'Set `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` to this URL and `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <key>`. Accepts `application/x-protobuf` (answered in protobuf) or `application/json` (OTLP/JSON, answered in JSON), gzip or not. Spans are stored once per span id; re-sent and reordered exports change nothing. Invalid spans are rejected and counted in `partialSuccess`; the others are stored.',
  rawBody: {
    description: 'An ExportTraceServiceRequest',
    contentTypes: ['application/x-protobuf', 'application/json'],
    schema: z.looseObject({ resourceSpans: z.array(z.looseObject({})) }),
  },
  responses: {
    200: {
      description: 'Accepted (empty), or partly accepted',
      schema: otlpExportResponse,
      contentTypes: ['application/x-protobuf'],
    },
  },
  errors: writeErrors,
});
