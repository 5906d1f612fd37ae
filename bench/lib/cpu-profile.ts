/**
 * Reads a Chromium CPU profile (CDP `Profiler.stop`) into the main thread's busy stretches over a
 * threshold, each with the functions that took its time (self and inclusive), so a bench can say what
 * its long tasks are. A stretch is a run of non-idle samples; back-to-back tasks count as one.
 */
type Frame = { functionName: string; url: string; lineNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
export type CpuProfile = { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };

const IDLE = new Set(['(idle)', '(root)']);

function label(f: Frame): string {
  const file = f.url.split('/').pop() || f.url;
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

export function busyStretches(profile: CpuProfile, overMs = 50, top = 8) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: { startMs: number; ms: number; self: string[]; inclusive: string[] }[] = [];
  let t = profile.startTime;
  let cur: { start: number; end: number; idx: number[] } | null = null;
  const times: number[] = [];
  const flush = () => {
    if (!cur || (cur.end - cur.start) / 1000 < overMs) return;
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    for (const i of cur.idx) {
      const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      const node = byId.get(profile.samples[i]!)!;
      self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const l = label(byId.get(id)!.callFrame);
        if (seen.has(l) || IDLE.has(byId.get(id)!.callFrame.functionName)) continue;
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + dt);
      }
    }
    const fmt = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => `${v.toFixed(0)} ms ${k}`);
    out.push({
      startMs: (cur.start - profile.startTime) / 1000,
      ms: (cur.end - cur.start) / 1000,
      self: fmt(self),
      inclusive: fmt(incl),
    });
  };
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    times.push(t);
    const fn = byId.get(profile.samples[i]!)!.callFrame.functionName;
    if (IDLE.has(fn)) {
      flush();
      cur = null;
    } else if (cur) {
      cur.end = t;
      cur.idx.push(i);
    } else cur = { start: t, end: t, idx: [i] };
  }
  flush();
  return out;
}
