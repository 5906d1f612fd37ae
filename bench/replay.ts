/**
 * Replay benchmark: runs of 1k, 10k and 100k events (an agent's tool loop as UI-message chunks with
 * realistic timestamps, scripts/lib/agent-run.ts) ingested through the API into the BUILT app on
 * Postgres, then opened in headless Chromium (the launch options of the Playwright tests) and measured:
 * time to the first assistant text on screen, time until the whole run is loaded (the end reachable),
 * long tasks (PerformanceObserver 'longtask', > 50 ms) while loading, while scrolling the transcript and
 * the event list, while scrubbing, while playing (10x, 3 s), the time a scrub and a `?seq=N` link take to show their moment, and
 * the JS heap after load (after a GC). Beside it: the raw SQL time of fetching the same run's events.
 *
 *   npm run build && npm run bench -- replay        (BENCH_REPLAY_SIZES=1000,10000 for fewer)
 *
 * BENCH_REPLAY_PROFILE=1 prints what the main thread ran in each stretch over 50 ms (CPU profiles);
 * BENCH_REPLAY_CPU_SLOWDOWN=4 slows the tab's CPU down (long tasks as on a slower machine).
 *
 * Runs of BENCH_REPLAY_SQL_FROM events or more (default 200,000; e.g. BENCH_REPLAY_SIZES=1000000) are
 * written with set-based SQL (`unnest` batches of 20,000) instead of through the API, and their
 * transcript checkpoints folded by the bench with the server's own `ensureCheckpoints`.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import postgres from 'postgres';
import { AGENT_RUN_FIRST_TEXT, agentRun } from '../scripts/lib/agent-run';
import { chromiumLaunchOptions } from '../scripts/lib/chromium';
import { connectPostgres } from '../src/db/client';
import { BACKGROUND_FOLD_FROM, CHECKPOINT_EVERY, ensureCheckpoints } from '../src/features/replay/server';
import { type BenchServer, startBenchServer } from './lib/server';
import { projectPath } from '../src/lib/project-path';
import { busyStretches, type CpuProfile } from './lib/cpu-profile';

const SIZES = (process.env.BENCH_REPLAY_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SQL_FROM = Number(process.env.BENCH_REPLAY_SQL_FROM ?? 200_000);
/** BENCH_REPLAY_HEAP=1: the tab's heap after the load by constructor (a CDP heap snapshot), largest first. */
const HEAP = process.env.BENCH_REPLAY_HEAP === '1';
/**
 * BENCH_REPLAY_PROFILE=1: CPU profiles of the load, the scrolling, the scrubbing and the `?seq=` page,
 * printing what each main-thread stretch > 50 ms ran.
 */
const PROFILE = process.env.BENCH_REPLAY_PROFILE === '1';
/**
 * BENCH_REPLAY_CPU_SLOWDOWN=4: the tab's CPU slowed down that many times (CDP CPU throttling), so the
 * main thread's long tasks show as they would on a slower machine (or a busy one), the same for every
 * build compared.
 */
const SLOWDOWN = Number(process.env.BENCH_REPLAY_CPU_SLOWDOWN ?? 1);

async function startProfile(page: Page) {
  if (!PROFILE) return null;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return async (what: string) => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    for (const s of busyStretches(profile)) {
      console.log(`  [${what}] busy ${s.ms.toFixed(0)} ms at ${s.startMs.toFixed(0)} ms`);
      console.log(`    self: ${s.self.join('; ')}`);
      console.log(`    incl: ${s.inclusive.join('; ')}`);
    }
  };
}

type LongTask = { start: number; duration: number };
declare global {
  interface Window {
    __longTasks: LongTask[];
    __firstText: number | null;
    __seqShown: number | null;
  }
}

/** Installed before any page script: records long tasks and when the first assistant text is painted. */
function instrument(firstText: string) {
  window.__longTasks = [];
  window.__firstText = null;
  window.__seqShown = null;
  // At `?seq=N`: the first frame whose position label shows that seq (painted, hydrated or not).
  const seq = new URLSearchParams(location.search).get('seq');
  const checkSeq = () => {
    const el = document.querySelector('[data-testid="replay-position"]');
    if (el?.textContent?.includes(`seq ${seq} `)) window.__seqShown = performance.now();
    else requestAnimationFrame(checkSeq);
  };
  if (seq) requestAnimationFrame(checkSeq);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    const el = document.querySelector('[data-testid="transcript"]');
    if (el?.textContent?.includes(firstText)) window.__firstText = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** A running run of the bench's project, created through the API. */
async function createBenchRun(server: BenchServer, size: number) {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.baseUrl}/api/v1/runs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: `replay bench ${size}`, model: 'bench-model', status: 'running' }),
  });
  const runId = ((await created.json()) as { run: { id: string } }).run.id;
  return { runId, headers };
}

async function ingest(server: BenchServer, size: number): Promise<string> {
  const { runId, headers } = await createBenchRun(server, size);
  const events = agentRun(size);
  const batches: (typeof events)[] = [];
  for (let i = 0; i < events.length; i += 1000) batches.push(events.slice(i, i + 1000));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = batches.shift(); b; b = batches.shift()) {
        const res = await fetch(`${server.baseUrl}/api/v1/runs/${runId}/events`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ events: b }),
        });
        if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
      }
    }),
  );
  await fetch(`${server.baseUrl}/api/v1/runs/${runId}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ status: 'succeeded' }),
  });
  return runId;
}

/**
 * The same run written with set-based SQL: the events in `unnest` batches, the run's count and last seq
 * set, then its checkpoints folded (what the server's background pass does after API appends).
 */
async function fillSql(server: BenchServer, size: number): Promise<string> {
  const { runId } = await createBenchRun(server, size);
  const sql = postgres(server.databaseUrl!, { max: 1, onnotice: () => {} });
  const events = agentRun(size);
  for (let i = 0; i < events.length; i += 20_000) {
    const b = events.slice(i, i + 20_000);
    await sql`insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
      select r.project_id, r.id, r.created_at, u.seq, u.type, u.ts, u.payload
      from runs r, unnest(${b.map((e) => e.seq)}::int[], ${b.map((e) => e.type)}::text[],
                  ${b.map((e) => e.ts)}::timestamptz[], ${b.map((e) => JSON.stringify(e.payload))}::jsonb[])
        as u(seq, type, ts, payload) where r.id = ${runId}::uuid`;
  }
  await sql`update runs set event_count = ${size}, last_seq = ${size - 1}, status = 'succeeded',
              ended_at = ${events.at(-1)!.ts}::timestamptz where id = ${runId}::uuid`;
  // The bench's database holds one project: the run's.
  const [{ project_id: projectId }] = await sql<{ project_id: string }[]>`select project_id from runs
    where id = ${runId}::uuid`;
  await sql.end();
  const conn = connectPostgres(server.databaseUrl!, 1);
  const t0 = performance.now();
  const { written } = await ensureCheckpoints(conn.db, projectId!, runId);
  console.log(`folded ${written} checkpoints in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await conn.close();
  return runId;
}

/** The raw SQL baseline: the run's first page (1,000, as the page renders) and all of its events. */
async function rawSql(url: string, runId: string) {
  const sql = postgres(url, { max: 1 });
  const time = async (q: () => Promise<unknown>) => {
    await q();
    const t0 = performance.now();
    await q();
    return performance.now() - t0;
  };
  const first = await time(
    () => sql`select seq, type, ts, payload from run_events where run_id = ${runId} order by seq limit 1000`,
  );
  const all = await time(
    () => sql`select seq, type, ts, payload from run_events where run_id = ${runId} order by seq`,
  );
  await sql.end();
  return { first, all };
}

/**
 * Waits for the server's background fold (one checkpoint per 1,000 events, for runs of
 * BACKGROUND_FOLD_FROM events or more; shorter runs are folded on demand by `?seq=`) so it does not
 * share the CPU with the measurements.
 */
async function checkpointsReady(url: string, runId: string, size: number): Promise<number> {
  const sql = postgres(url, { max: 1 });
  const t0 = performance.now();
  const want = size >= BACKGROUND_FOLD_FROM ? Math.floor(size / CHECKPOINT_EVERY) : 0;
  for (;;) {
    const [row] =
      await sql`select count(*)::int as n from run_transcript_checkpoints where run_id = ${runId}`;
    if ((row?.n ?? 0) >= want || performance.now() - t0 > 300_000) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await sql.end();
  return (performance.now() - t0) / 1000;
}

const longTasks = (page: Page, from: number) =>
  page.evaluate((t) => window.__longTasks.filter((l) => l.start >= t), from);
const now = (page: Page) => page.evaluate(() => performance.now());
const summary = (ts: LongTask[]) =>
  `${ts.length} / ${Math.round(Math.max(0, ...ts.map((t) => t.duration)))} ms`;

/** Self size per constructor (or string / array kind) of a heap snapshot: the top 12. */
async function printHeapBreakdown(cdp: import('@playwright/test').CDPSession, size: number) {
  const chunks: string[] = [];
  let length = 0;
  const onChunk = (e: { chunk: string }) => {
    length += e.chunk.length;
    if (length < 400e6) chunks.push(e.chunk);
  };
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  if (length >= 400e6) {
    console.log(
      `  heap snapshot at ${size} events: ${(length / 1e6).toFixed(0)} MB of JSON, too large to read here`,
    );
    return;
  }
  const snap = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const f = snap.snapshot.meta.node_fields;
  const [ti, ni, si] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const types = snap.snapshot.meta.node_types[0];
  const by = new Map<string, { n: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + ti]!]!;
    const key = type === 'object' || type === 'native' ? snap.strings[snap.nodes[i + ni]!]! : `(${type})`;
    const e = by.get(key) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += snap.nodes[i + si]!;
    by.set(key, e);
  }
  const top = [...by].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 12);
  console.log(`  heap at ${size} events by constructor (self size):`);
  for (const [k, v] of top) console.log(`    ${(v.bytes / 1e6).toFixed(2)} MB  ${v.n}  ${k.slice(0, 60)}`);
}

/** `runsUrl`: the project's runs page (`…/p/<slug>/runs`), so no redirect is in the timings. */
async function measure(page: Page, runsUrl: string, runId: string, size: number) {
  const stopProfile = await startProfile(page);
  await page.goto(`${runsUrl}/${runId}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__firstText !== null, null, { timeout: 120_000 });
  const firstText = await page.evaluate(() => window.__firstText!);
  const label = `complete run · ${size.toLocaleString('en-US')} events`;
  await page.getByTestId('replay-position').getByText(label).waitFor({ timeout: 600_000 });
  const loaded = await now(page);
  // The first text must still be on screen now that everything has loaded.
  const stillThere = await page
    .getByTestId('transcript')
    .evaluate((el, t) => el.textContent?.includes(t) ?? false, AGENT_RUN_FIRST_TEXT);
  const loadTasks = await longTasks(page, 0);
  if (PROFILE)
    console.log(
      `  [load ${size}] long tasks (start ms, duration ms): ${loadTasks.map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`).join(', ')}`,
    );
  await stopProfile?.(`load ${size}`);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  if (HEAP) await printHeapBreakdown(cdp, size);

  // Scroll: the transcript (the window) to the bottom and back, then the event list, frame by frame.
  const stopScrollProfile = await startProfile(page);
  const s0 = await now(page);
  await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const H = document.documentElement.scrollHeight;
    for (let i = 1; i <= 30; i++) {
      window.scrollTo(0, (H * i) / 30);
      await frame();
    }
    window.scrollTo(0, 0);
    await frame();
    const list = document.querySelector<HTMLElement>('[data-testid="event-inspector"]')!;
    for (let i = 1; i <= 30; i++) {
      list.scrollTop = (list.scrollHeight * i) / 30;
      await frame();
    }
  });
  const scrollTasks = await longTasks(page, s0);
  await stopScrollProfile?.(`scroll ${size}`);

  // Scrub: ten positions across the run; each timed to the next frame with the new position painted.
  const stopScrubProfile = await startProfile(page);
  const c0 = await now(page);
  const scrubMs = await page.evaluate(async () => {
    const input = document.querySelector<HTMLInputElement>('input[aria-label="Replay position"]')!;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const max = Number(input.max);
    const out: number[] = [];
    for (const f of [0.9, 0.1, 0.5, 0.95, 0.3, 0.7, 0.05, 0.6, 0.2, 0.8]) {
      const label = document.querySelector('[data-testid="replay-position"]')!.textContent;
      const t0 = performance.now();
      setter.call(input, String(max * f));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // Shown: the new position painted and the transcript at it (not the last one while its events are
      // fetched: the tab keeps a window of payloads).
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
        const moved = document.querySelector('[data-testid="replay-position"]')!.textContent !== label;
        if (moved && !document.querySelector('[data-testid="transcript"][data-pending]')) break;
      }
      out.push(performance.now() - t0);
    }
    return out;
  });
  const scrubTasks = await longTasks(page, c0);
  await stopScrubProfile?.(`scrub ${size}`);

  // Play: from the last scrub's moment, at 10x, for three seconds (the transcript streams, the event
  // list follows the position).
  const stopPlayProfile = await startProfile(page);
  await page.getByRole('button', { name: '10x' }).click();
  const p0 = await now(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(3000);
  const playTasks = await longTasks(page, p0);
  // A short run may reach its end within the three seconds (playback stops by itself).
  const pause = page.getByRole('button', { name: 'Pause' });
  if (await pause.isVisible()) await pause.click();
  await stopPlayProfile?.(`play ${size}`);

  // A link to a late moment: time from navigation until that seq is the position shown.
  const seq = size - 10;
  const stopSeqProfile = await startProfile(page);
  await page.goto(`${runsUrl}/${runId}?seq=${seq}`, { waitUntil: 'commit' });
  await page.getByTestId('replay-position').getByText(`seq ${seq} `).waitFor({ timeout: 600_000 });
  const seqLink = await now(page);
  const seqShown = await page.evaluate(() => window.__seqShown);
  await stopSeqProfile?.(`?seq ${size}`);
  // Opened at a late moment the page holds the checkpoint and the events after it, not the run.
  const seqCdp = await page.context().newCDPSession(page);
  await seqCdp.send('HeapProfiler.collectGarbage');
  const seqHeap = ((await seqCdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  // The server's part of it: the page's HTML at that moment (checkpoint chain, events after it, render).
  const h0 = performance.now();
  const seqRes = await page.request.get(`${runsUrl}/${runId}?seq=${seq}`);
  const seqHtml = performance.now() - h0;
  const seqHtmlKb = (await seqRes.body()).length / 1024;

  return {
    firstText,
    loaded,
    stillThere,
    loadTasks,
    heap,
    scrollTasks,
    scrubMs,
    scrubTasks,
    playTasks,
    seqLink,
    seqHeap,
    seqHtml,
    seqHtmlKb,
    seqShown,
  };
}

export async function main() {
  const server = await startBenchServer('postgres');
  const browser = await chromium.launch(chromiumLaunchOptions);
  const rows: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    if (SLOWDOWN > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });
      console.log(`the tab's CPU slowed down ${SLOWDOWN}×`);
    }
    await page.goto(`${server.baseUrl}/login`);
    // The owner account the first start creates (bench/lib/server.ts sets its password).
    await page.getByLabel('Email').fill('admin@runledger.local');
    await page.getByLabel('Password').fill('bench-admin-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/runs/);
    // tsx keeps function names by wrapping them in `__name(...)`: give the page that helper too.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript(instrument, AGENT_RUN_FIRST_TEXT);
    for (const size of SIZES) {
      const t0 = performance.now();
      const viaSql = size >= SQL_FROM;
      const runId = viaSql ? await fillSql(server, size) : await ingest(server, size);
      console.log(
        `${viaSql ? 'wrote (SQL)' : 'ingested'} ${size} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const ready = await checkpointsReady(server.databaseUrl!, runId, size);
      console.log(`transcript checkpoints folded ${ready.toFixed(1)} s after the ingest`);
      const sql = await rawSql(server.databaseUrl!, runId);
      const m = await measure(page, server.baseUrl + projectPath(server.projectSlug, 'runs'), runId, size);
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      const sortedScrub = [...m.scrubMs].sort((a, b) => a - b);
      const row = [
        size.toLocaleString('en-US'),
        s(m.firstText) + (m.stillThere ? '' : ' (then lost!)'),
        s(m.loaded),
        summary(m.loadTasks),
        summary(m.scrollTasks),
        `${Math.round(sortedScrub[5]!)} / ${Math.round(sortedScrub[9]!)} ms`,
        summary(m.scrubTasks),
        summary(m.playTasks),
        `${m.seqShown === null ? '?' : s(m.seqShown)} / ${s(m.seqLink)} (HTML ${Math.round(m.seqHtml)} ms, ${Math.round(m.seqHtmlKb)} kB)`,
        `${(m.heap / 1e6).toFixed(0)} MB / ${(m.seqHeap / 1e6).toFixed(0)} MB`,
        `${sql.first.toFixed(1)} ms / ${sql.all.toFixed(0)} ms`,
        `${(m.loaded / sql.all).toFixed(0)}×`,
      ];
      rows.push(`| ${row.join(' | ')} |`);
      console.log(rows.at(-1));
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(
    '\n| events | first text painted | whole run loaded | long tasks loading (n / longest) | scrolling | scrub p50 / max | long tasks scrubbing | playing (10x, 3 s) | `?seq=` near the end: painted / page responsive (server HTML) | JS heap: whole run / at `?seq=` | raw SQL first 1,000 / all | loaded ÷ raw SQL all |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
