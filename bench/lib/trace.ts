/**
 * Reads a Chromium performance trace (Playwright's `browser.startTracing`/`stopTracing`, the JSON the
 * DevTools Performance panel records) into where the renderer's main thread spent a span: self time
 * per kind of work (script, style, layout, paint, parsing, garbage collection), so a bench can say
 * whether a slow click is the server, the page's JavaScript or the browser laying the page out.
 */
type TraceEvent = {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
};

/** Trace event names grouped as the Performance panel does (the rest counts as "other"). */
const KINDS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.compile': 'script',
  'v8.compileModule': 'script',
  'v8.evaluateModule': 'script',
  TimerFire: 'script',
  EventDispatch: 'script',
  FireAnimationFrame: 'script',
  RunMicrotasks: 'script',
  'V8.GCScavenger': 'gc',
  MajorGC: 'gc',
  MinorGC: 'gc',
  'V8.GC_MC_BACKGROUND_MARKING': 'gc',
  UpdateLayoutTree: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  LayoutShift: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  ParseHTML: 'parse html',
  HitTest: 'other',
};

/**
 * Self time in milliseconds per kind on the main thread (CrRendererMain) of the renderer with the most
 * work over the whole trace, and the longest top-level task.
 */
export function mainThreadTime(json: string): {
  byKind: Record<string, number>;
  longestTask: number;
  /** The trace events that took the most self time, e.g. `UpdateLayoutTree 120`. */
  top: string[];
} {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const complete = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`) && e.dur);
  // The renderer of the page: the main thread that ran the most tasks.
  const busy = new Map<string, number>();
  for (const e of complete)
    if (e.name === 'RunTask') busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur!);
  const thread = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = complete
    .filter((e) => `${e.pid}:${e.tid}` === thread)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const byKind: Record<string, number> = {};
  const byName: Record<string, number> = {};
  let longestTask = 0;
  // Self time: an event's duration less that of the events nested in it.
  const stack: { end: number; kind: string; name: string; self: number }[] = [];
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1]!.end <= until) {
      const top = stack.pop()!;
      byKind[top.kind] = (byKind[top.kind] ?? 0) + top.self / 1000;
      byName[top.name] = (byName[top.name] ?? 0) + top.self / 1000;
    }
  };
  for (const e of mine) {
    close(e.ts);
    if (e.name === 'RunTask' && stack.length === 0) longestTask = Math.max(longestTask, e.dur! / 1000);
    const parent = stack[stack.length - 1];
    if (parent) parent.self -= e.dur!;
    const kind = KINDS[e.name] ?? (parent && e.name !== 'RunTask' ? parent.kind : 'other');
    stack.push({ end: e.ts + e.dur!, kind, name: e.name, self: e.dur! });
  }
  close(Number.POSITIVE_INFINITY);
  for (const k of Object.keys(byKind)) byKind[k] = Math.round(byKind[k]!);
  const top = Object.entries(byName)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([n, ms]) => `${n} ${ms.toFixed(0)}`);
  return { byKind, longestTask: Math.round(longestTask), top };
}
