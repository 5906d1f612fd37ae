import 'server-only';
import type { UsagePayload } from '@runledger/sdk/transcript';
import type { OtelSpan } from './decode';
import { mapSpan, type SpanEvent } from './map';
import type { rootFacts, traceFacts } from './trace';

export type SpanRow = {
  run_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_ns: string;
  end_ns: string;
  events: SpanEvent[];
  usage: UsagePayload | null;
};

export type TraceRow = {
  traceId: string;
  runId: string;
  facts: ReturnType<typeof traceFacts>;
  root: ReturnType<typeof rootFacts> | null;
};

export function spanRows(spans: OtelSpan[], runOf: Map<string, string>): SpanRow[] {
  return spans.map((s) => {
    const mapped = mapSpan(s);
    return {
      run_id: runOf.get(s.traceId)!,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId,
      name: s.name,
      start_ns: String(s.startNs),
      end_ns: String(s.endNs),
      events: mapped.events,
      usage: mapped.usage,
    };
  });
}
