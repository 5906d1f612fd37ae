import 'server-only';
import { searchWordsOf } from '../search/text';
import type { SpanEvent } from './map';
import type { SpanRow } from './span-rows';

/**
 * Per run, the search words of this export's spans' events (searchWordsOf over them in timeline order:
 * event time, span start, span id, place in the span) and how many spans they come from: the events
 * step uses them for a run whose spans here all turned out new; a run whose events need the SQL form is
 * left out.
 */
export function exportWords(rows: SpanRow[]): Record<string, { text: string; spans: number }> {
  const perRun = new Map<
    string,
    { spans: number; list: { at: string; start: string; span: string; ord: number; e: SpanEvent }[] }
  >();
  const calls = new Set<string>();
  for (const r of rows) for (const e of r.events) if (e.call) calls.add(`${r.run_id}:${e.call}`);
  for (const r of rows) {
    let run = perRun.get(r.run_id);
    if (!run) {
      run = { spans: 0, list: [] };
      perRun.set(r.run_id, run);
    }
    run.spans++;
    for (const [ord, e] of r.events.entries()) {
      if (e.ifNoCall && calls.has(`${r.run_id}:${e.ifNoCall}`)) continue;
      run.list.push({ at: e.at, start: r.start_ns, span: r.span_id, ord, e });
    }
  }
  const out: Record<string, { text: string; spans: number }> = {};
  for (const [runId, { spans, list }] of perRun) {
    list.sort(
      (a, b) =>
        compareDigits(a.at, b.at) ||
        compareDigits(a.start, b.start) ||
        (a.span < b.span ? -1 : a.span > b.span ? 1 : 0) ||
        a.ord - b.ord,
    );
    const text = searchWordsOf(list.map((x, seq) => ({ seq, type: x.e.type, payload: x.e.payload })));
    if (text !== null) out[runId] = { text, spans };
  }
  return out;
}

/** Compares two non-negative integers written in decimal digits (nanosecond times exceed 2^53). */
function compareDigits(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
