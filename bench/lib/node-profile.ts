import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a Node server's CPU went during given time windows: the `.cpuprofile` files `--cpu-prof` wrote
 * into a folder, their samples kept only inside `windows` (CLOCK_MONOTONIC microseconds, the clock both
 * V8's profiler and `process.hrtime` read, so the bench's own timestamps select its timed part), self
 * time summed by where the code lives (Next.js's runtime, Node's HTTP, web streams and fetch classes,
 * the app's bundle, postgres.js, GC) and by function.
 */
type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };

export type Window = [startUs: number, endUs: number];

/** Now on the profiler's clock, in microseconds. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function category(f: Frame): string {
  const u = f.url;
  if (!u) {
    if (f.functionName === '(garbage collector)') return 'GC';
    if (f.functionName === '(program)') return '(program: V8/native, unattributed)';
    return 'V8 builtins (JSON.parse, …)';
  }
  if (u.includes('/node_modules/next/')) return 'Next.js runtime';
  if (u.includes('/node_modules/postgres/')) return 'postgres.js';
  if (u.includes('/node_modules/react')) return 'React';
  if (u.startsWith('node:internal/deps/undici') || u.includes('webstreams'))
    return 'Node web streams / fetch classes (Request, Response, Headers)';
  if (u.startsWith('node:')) return 'Node core (http, net, streams, buffers)';
  if (u.includes('/.next/server/')) return "the app's bundle (app code + bundled deps)";
  if (u.includes('/bench/')) return 'the bench server';
  return 'other';
}

/** A minified bundle's function names say little: the start of its code says which one it is. */
const sources = new Map<string, string[]>();
function codeAt(f: Frame): string {
  if (!f.url.startsWith('file://') || !f.url.includes('/.next/server/')) return '';
  let lines = sources.get(f.url);
  if (!lines) {
    try {
      lines = readFileSync(new URL(f.url), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(f.url, lines);
  }
  const code = (lines[f.lineNumber] ?? '').slice(f.columnNumber, f.columnNumber + 70);
  return code ? `  «${code}»` : '';
}

const short = (f: Frame) =>
  `${f.functionName || '(anonymous)'} ${path.basename(f.url) || ''}${f.url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}${codeAt(f)}`;

/** Summary lines of every profile in `dir`, counting only samples inside `windows`. */
export function profileLines(dir: string, windows: Window[], label: string, top = 14): string[] {
  const byCat = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  const inside = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // The categories on each node's stack (memoized per node).
    const stackCats = new Map<number, Set<string>>();
    const catsOf = (id: number): Set<string> => {
      let cats = stackCats.get(id);
      if (cats) return cats;
      const up = parent.get(id);
      cats = new Set(up === undefined ? [] : catsOf(up));
      const f = byId.get(id)!.callFrame;
      if (f.url) cats.add(category(f));
      stackCats.set(id, cats);
      return cats;
    };
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      if (!inside(t)) continue;
      const frame = byId.get(profile.samples[i]!)!.callFrame;
      if (frame.functionName === '(idle)') continue;
      total += dt;
      const c = category(frame);
      byCat.set(c, (byCat.get(c) ?? 0) + dt);
      for (const cat of catsOf(profile.samples[i]!)) inclusive.set(cat, (inclusive.get(cat) ?? 0) + dt);
      const k = short(frame);
      byFn.set(k, (byFn.get(k) ?? 0) + dt);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const pct = (ms: number) => `${((ms / Math.max(total, 1e-9)) * 100).toFixed(1).padStart(5)}%`;
  return [
    `  ${label}: CPU profile of the timed part, ${total.toFixed(0)} ms busy, self time by where the code lives:`,
    ...sorted(byCat).map(
      ([k, v]) =>
        `    ${pct(v)} ${v.toFixed(0).padStart(6)} ms  ${k}${inclusive.has(k) ? ` (on the stack: ${pct(inclusive.get(k)!).trim()})` : ''}`,
    ),
    `    top functions (self):`,
    ...sorted(byFn)
      .slice(0, top)
      .map(([k, v]) => `      ${pct(v)} ${k}`),
  ];
}
