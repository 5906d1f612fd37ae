import { z } from 'zod';

/** OTLP/JSON's ExportTraceServiceResponse: empty, or the spans that were refused and why. */
export const otlpExportResponse = z.object({
  partialSuccess: z.object({ rejectedSpans: z.string(), errorMessage: z.string() }).optional(),
});

/** OTLP/JSON's ExportLogsServiceResponse: empty, or the log records that were refused and why. */
export const otlpLogsExportResponse = z.object({
  partialSuccess: z.object({ rejectedLogRecords: z.string(), errorMessage: z.string() }).optional(),
});
