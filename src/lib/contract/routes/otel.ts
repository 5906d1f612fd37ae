import { z } from 'zod';
import { otlpExportResponse, otlpLogsExportResponse } from '../otel';
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

export const otlpLogs = defineRoute({
  method: 'POST',
  path: '/api/v1/otel/v1/logs',
  tag: 'OpenTelemetry',
  summary: 'OTLP/HTTP logs export: log records become events of their runs',
  description:
    'Set `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` to this URL (or `OTEL_EXPORTER_OTLP_ENDPOINT` to `/api/v1/otel`) and `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <key>`. Accepts `application/x-protobuf` (answered in protobuf) or `application/json` (OTLP/JSON, answered in JSON), gzip or not. A record becomes an event of the run of its trace (next to its span), or of the model call named by its `gen_ai.response.id`; a record whose run has not arrived yet is kept and attached when its spans arrive. A `gen_ai.evaluation.result` event is kept as an evaluation of the run. Records are stored once; re-sent exports change nothing. Invalid records, and records correlated to no trace or response, are rejected and counted in `partialSuccess`; the others are stored.',
  rawBody: {
    description: 'An ExportLogsServiceRequest',
    contentTypes: ['application/x-protobuf', 'application/json'],
    schema: z.looseObject({ resourceLogs: z.array(z.looseObject({})) }),
  },
  responses: {
    200: {
      description: 'Accepted (empty), or partly accepted',
      schema: otlpLogsExportResponse,
      contentTypes: ['application/x-protobuf'],
    },
  },
  errors: writeErrors,
});
