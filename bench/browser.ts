/**
 * Browser benchmark: the history and usage pages as a user feels them at full scale, in headless
 * Chromium against the BUILT app on Postgres: the time from navigation (or click) until the content is
 * painted, the main thread's long tasks, and the page's weight. Beside each, the server's own time
 * (the document's HTML fetched with the session cookie, no browser).
 *
 *   npm run build && BENCH_BROWSER_DB=<kept bench/history database> npm run bench -- browser
 *
 * The runs pages read a bench/history database (BENCH_BROWSER_DB: one kept with BENCH_HISTORY_KEEP=1;
 * without it, a fresh one is filled at BENCH_HISTORY_RUNS and dropped). /usage reads a fresh database
 * with bench/usage's fill (2M ledger rows, 330k costed runs over 30 days), dropped at the end.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page, type Request } from '@playwright/test';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { projectPath } from '@/lib/project-path';
import { startBuiltApp } from '../scripts/lib/built-app';
import { chromiumLaunchOptions } from '../scripts/lib/chromium';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';
import { checkFill as checkHistoryFill, fill as fillHistory } from './history';
import { busyStretches, type CpuProfile } from './lib/cpu-profile';
import { mainThreadTime } from './lib/trace';
import { benchServerUrl } from './lib/server';
import { pct } from './lib/stats';
import { fill as fillUsage } from './usage';

const REPEAT = Number(process.env.BENCH_BROWSER_REPEAT ?? 7);
const PASSWORD = 'bench-admin-password';
/**
 * BENCH_BROWSER_PROFILE=1: one more of each "Older" click, in-page search and /usage load under a
 * Chromium performance trace (main thread time by kind) and under the CPU profiler (long stretches by
 * function).
 */
const PROFILE = process.env.BENCH_BROWSER_PROFILE === '1';

type Sample = { painted: number; longest: number; server: number };

/** Installed before any page script: the main thread's long tasks (> 50 ms). */
function instrument() {
  (window as unknown as { __long: number[] }).__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Milliseconds since navigation start when `selector` (`count` of them; `text=…`: that text) is in the
 * DOM and a frame has painted it.
 */
/** performance.now() once the next frame after this call has been painted. */
const nextFrame = (page: Page) =>
  page.evaluate(
    () => new Promise<number>((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0))),
  );

async function paintedAt(page: Page, selector: string, count = 1): Promise<number> {
  await page.waitForFunction(
    ([s, n]) =>
      (s as string).startsWith('text=')
        ? document.body.textContent?.includes((s as string).slice(5))
        : document.querySelectorAll(s as string).length >= (n as number),
    [selector, count],
    { timeout: 60_000, polling: 'raf' },
  );
  return nextFrame(page);
}

const longest = (page: Page) =>
  page.evaluate(() => Math.max(0, ...(window as unknown as { __long: number[] }).__long));

async function signIn(browser: Browser, baseUrl: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill('admin@runledger.local');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(instrument);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  return { page, cookie };
}

/** The server's time for the document, by fetch with the session (no browser): p50 of REPEAT. */
async function serverTimes(url: string, cookie: string): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= REPEAT; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    bytes = (await res.text()).length;
    if (i > 0) ms.push(performance.now() - t0);
  }
  return { ms, bytes };
}

function report(name: string, samples: Sample[], extra = '') {
  const p = (k: keyof Sample, q: number) =>
    pct(
      samples.map((s) => s[k]),
      q,
    ).toFixed(0);
  console.log(
    `${name.padEnd(34)} painted p50/p95 ${`${p('painted', 50)}/${p('painted', 95)} ms`.padStart(13)}   longest task p95 ${`${p('longest', 95)} ms`.padStart(7)}   server p50 ${`${p('server', 50)} ms`.padStart(7)}${extra}`,
  );
}

/** A page loaded REPEAT times: painted when `selector` (count) shows, beside the server's time. */
async function measureLoad(page: Page, cookie: string, url: string, selector: string, count = 1) {
  const server = await serverTimes(url, cookie);
  const out: Sample[] = [];
  for (let i = 0; i <= REPEAT; i++) {
    await page.goto(url, { waitUntil: 'commit' });
    const painted = await paintedAt(page, selector, count);
    if (i > 0) out.push({ painted, longest: await longest(page), server: pct(server.ms, 50) });
  }
  return { samples: out, bytes: server.bytes };
}

/** The runs page's weight: the document, the table's HTML and the page data (the RSC payload). */
async function weight(page: Page) {
  return page.evaluate(() => {
    const table = document.querySelector('[data-testid="runs-table"]')?.outerHTML.length ?? 0;
    let flight = 0;
    let text = '';
    for (const s of document.querySelectorAll('script')) {
      if (s.textContent?.includes('self.__next_f')) {
        flight += s.textContent.length;
        text += s.textContent;
      }
    }
    return { table, flight, text };
  });
}

const ROW = '[data-testid="runs-table"] tbody tr';

/** Opens the runs page (`settled`: then the Older link in view, its page prefetched); its first row. */
async function openRuns(page: Page, runs: string, settled: boolean) {
  await page.goto(runs);
  await paintedAt(page, ROW, 50);
  if (settled) {
    await page.getByRole('link', { name: /Older/ }).scrollIntoViewIfNeeded();
    await page.waitForLoadState('networkidle');
  }
  return page.locator(ROW).first().textContent();
}

/**
 * What a step does: `prepare` finds its target (outside the timing: Playwright's role locator walks
 * the page's DOM on the main thread, ~300 ms under load in a traced click, no part of what a reader
 * waits for) and returns the act that is timed.
 */
type Step = () => Promise<() => Promise<unknown>>;

/**
 * Milliseconds from the act until the table shows other rows than `first` and a frame painted them;
 * `ready` runs between the preparation and the act (a profile starts there).
 */
async function timedSwap(page: Page, first: string | null, prepare: Step, ready?: () => Promise<unknown>) {
  const act = await prepare();
  await ready?.();
  const t0 = await page.evaluate(() => performance.now());
  await act();
  await page.waitForFunction(
    ([s, id]) => {
      const r = document.querySelector(s as string);
      return r && r.textContent !== id;
    },
    [ROW, first],
    { timeout: 60_000, polling: 'raf' },
  );
  return (await nextFrame(page)) - t0;
}

/**
 * One step under a Chromium trace (the main thread's time by kind, the page-data requests it made),
 * then once more under the CPU profiler (its long stretches by function).
 */
async function profileStep(browser: Browser, page: Page, open: () => Promise<string | null>, act: Step) {
  const requests: string[] = [];
  const onFinished = async (r: Request) => {
    if (!r.headers().rsc) return;
    const t = r.timing();
    const sizes = await r.sizes().catch(() => ({ responseBodySize: 0 }));
    const u = new URL(r.url());
    const kind = r.headers()['next-router-prefetch'] ? 'prefetch ' : '';
    requests.push(
      `${kind}${u.pathname.split('/').slice(-2).join('/')}${u.searchParams.has('q') ? '?q' : ''} ${t.responseEnd.toFixed(0)} ms ${(sizes.responseBodySize / 1024).toFixed(0)} kB`,
    );
  };
  let first = await open();
  const ms = await timedSwap(page, first, act, async () => {
    page.on('requestfinished', onFinished);
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'],
    });
  });
  const { byKind, longestTask, top } = mainThreadTime((await browser.stopTracing()).toString());
  page.off('requestfinished', onFinished);
  const kinds = Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `  traced: painted ${ms.toFixed(0)} ms; main thread ms: ${kinds}; longest task ${longestTask} ms`,
  );
  console.log(`  most self time (trace events, ms): ${top.join(', ')}`);
  console.log(`  page data requests: ${requests.join('; ') || 'none'}`);
  first = await open();
  const cdp = await page.context().newCDPSession(page);
  await timedSwap(page, first, act, async () => {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
  });
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  printStretches(profile, 30);
  await cdp.detach();
}

function printStretches(profile: CpuProfile, overMs: number) {
  for (const s of busyStretches(profile, overMs, 12)) {
    console.log(`  busy ${s.ms.toFixed(0)} ms at ${s.startMs.toFixed(0)} ms`);
    console.log(`    self: ${s.self.join('; ')}`);
    console.log(`    incl: ${s.inclusive.join('; ')}`);
  }
}

async function runsPages(browser: Browser, database: string) {
  const app = await startBuiltApp({
    purpose: 'The browser bench',
    env: { DATABASE_URL: database, RUNLEDGER_ADMIN_PASSWORD: PASSWORD, RUNLEDGER_SEED_DEMO: '0' },
  });
  try {
    const { page, cookie } = await signIn(browser, app.baseUrl);
    const runs = app.baseUrl + projectPath('bench', 'runs');
    const row = ROW;
    const cases: [string, string, string, number][] = [
      ['runs page (50 rows)', runs, row, 50],
      ['meta.customer=cust_0042 (1 in 2,000)', `${runs}?meta.customer=cust_0042`, row, 50],
      ['meta.env=prod (4 in 5)', `${runs}?meta.env=prod`, row, 50],
      ['meta.nosuch=x (no run)', `${runs}?meta.nosuch=x`, 'text=No runs match these filters', 1],
      ['tag=rare (1 in 1000)', `${runs}?tag=rare`, row, 50],
      ['q=escalate (content, 1 in 97)', `${runs}?q=escalate`, row, 50],
    ];
    console.log(`\nruns pages, ${REPEAT} loads each`);
    // BENCH_BROWSER_ONLY=older: the clicks and the in-page search alone (no page loads).
    for (const [name, url, selector, count] of process.env.BENCH_BROWSER_ONLY === 'older' ? [] : cases) {
      const { samples, bytes } = await measureLoad(page, cookie, url, selector, count);
      const w = await weight(page);
      // BENCH_BROWSER_DUMP=<file>: the first page's page data, to see what weighs.
      if (process.env.BENCH_BROWSER_DUMP && url === runs)
        writeFileSync(process.env.BENCH_BROWSER_DUMP, w.text);
      report(
        name,
        samples,
        `   document ${(bytes / 1024).toFixed(0)} kB (table ${(w.table / 1024).toFixed(0)} kB, page data ${(w.flight / 1024).toFixed(0)} kB)`,
      );
    }
    // "Older": a click on the first page's link until the next page's first row is painted, clicked at
    // once (the link scrolled into view by the click itself) and after the link was in view until the
    // network was idle (its page prefetched, as when a reader scrolls down the table first). A search
    // typed in the page: the client navigation to `?q=` (as the search box makes it, without its
    // debounce) until the matching rows are painted.
    // The link found first (see Step); the click still scrolls it into view and checks it can be clicked.
    const older: Step = async () => {
      const link = await page.getByRole('link', { name: /Older/ }).elementHandle();
      return () => link!.click();
    };
    const search: Step = async () => () =>
      page.evaluate(
        (u) => (window as unknown as { next: { router: { push: (u: string) => void } } }).next.router.push(u),
        `${runs}?q=escalate`,
      );
    const steps: [string, boolean, Step][] = [
      ['"Older" clicked at once', false, older],
      ['"Older" in view first, then clicked', true, older],
      ['q=escalate typed in the page', false, search],
    ];
    // Beside the painted time, the renderer's main-thread time from the act to the paint (Chromium's
    // Performance metrics: task, of it script, layout and style): a machine under load stretches the
    // painted time with waits for a core, while this is the work the click made.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => {
      const { metrics: m } = (await cdp.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      const v = (n: string) => (m.find((x) => x.name === n)?.value ?? 0) * 1000;
      return [v('TaskDuration'), v('ScriptDuration'), v('LayoutDuration'), v('RecalcStyleDuration')];
    };
    for (const [name, settled, act] of steps) {
      const samples: Sample[] = [];
      const work: number[][] = [];
      for (let i = 0; i <= REPEAT; i++) {
        const first = await openRuns(page, runs, settled);
        let before: number[] = [];
        const painted = await timedSwap(page, first, act, async () => {
          before = await metrics();
        });
        const after = await metrics();
        if (i > 0) {
          samples.push({ painted, longest: await longest(page), server: 0 });
          work.push(after.map((x, k) => x - before[k]!));
        }
      }
      const p50 = (k: number) =>
        pct(
          work.map((w) => w[k]!),
          50,
        ).toFixed(0);
      report(
        name,
        samples,
        `   main thread p50 ${p50(0)} ms (script ${p50(1)}, layout ${p50(2)}, style ${p50(3)})`,
      );
    }
    await cdp.detach();
    if (PROFILE) {
      for (const [name, settled, act] of steps) {
        console.log(`${name}, profiled:`);
        await profileStep(browser, page, () => openRuns(page, runs, settled), act);
      }
    }
  } finally {
    await app.stop();
  }
}

/** One load under the CPU profiler: its busy stretches over 50 ms, with the functions that took them. */
async function profileLoad(page: Page, url: string, selector: string, count: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  await page.goto(url, { waitUntil: 'commit' });
  await paintedAt(page, selector, count);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  printStretches(profile, 50);
  await cdp.detach();
}

async function usagePage(browser: Browser) {
  const server = benchServerUrl();
  // BENCH_BROWSER_USAGE_DB=<name>: a usage fill kept between runs (created and filled the first time).
  const keptUsage = process.env.BENCH_BROWSER_USAGE_DB;
  const name = keptUsage ?? `runledger_bench_browser_usage_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  const exists = keptUsage
    ? (await admin`select 1 from pg_database where datname = ${keptUsage}`).length > 0
    : false;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(server, name);
  try {
    const conn = connectPostgres(url, 1);
    await runMigrations(conn);
    await conn.close();
    if (!exists) {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      await fillUsage(sql);
      await sql.end();
    }
    const app = await startBuiltApp({
      purpose: 'The browser bench',
      env: { DATABASE_URL: url, RUNLEDGER_ADMIN_PASSWORD: PASSWORD, RUNLEDGER_SEED_DEMO: '0' },
    });
    try {
      const { page, cookie } = await signIn(browser, app.baseUrl);
      const usage = app.baseUrl + projectPath('usage-bench', 'usage');
      // Drawn: every chart on the page has its bars (SVG rectangles or paths, or a canvas) on screen.
      await page.goto(usage);
      const charts = await page.locator('[data-chart]').count();
      const drawn = '[data-chart]:has(:is(canvas, path.recharts-rectangle, [data-bar]))';
      const { samples, bytes } = await measureLoad(page, cookie, usage, drawn, charts);
      console.log(`\n/usage (${charts} charts), ${REPEAT} loads each`);
      report('/usage, every chart drawn', samples, `   document ${(bytes / 1024).toFixed(0)} kB`);
      if (process.env.BENCH_BROWSER_DUMP)
        writeFileSync(`${process.env.BENCH_BROWSER_DUMP}.usage.html`, await page.content());
      // Another metric of "Usage per day" chosen: a link, the server draws that chart.
      const switched: Sample[] = [];
      for (let i = 0; i <= REPEAT; i++) {
        await page.goto(usage);
        await paintedAt(page, drawn, charts);
        const link = page.locator('nav[aria-label="Metric"] a:not([aria-current])').first();
        const metric = (await link.textContent())?.trim();
        const t0 = await page.evaluate(() => performance.now());
        await link.click();
        const t1 = await paintedAt(page, `[data-testid="daily-chart-${metric}"] [data-bar]`);
        if (i > 0) switched.push({ painted: t1 - t0, longest: await longest(page), server: 0 });
      }
      report('/usage, another metric chosen', switched);
      if (PROFILE) await profileLoad(page, usage, drawn, charts);
    } finally {
      await app.stop();
    }
  } finally {
    if (!keptUsage) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

export async function main() {
  const server = benchServerUrl();
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  const kept = process.env.BENCH_BROWSER_DB;
  const name = kept ?? `runledger_bench_browser_${Date.now().toString(36)}`;
  const url = withDatabase(server, name);
  // BENCH_BROWSER_ONLY=runs or usage: one half (usage alone needs no history fill); older: the runs
  // page's clicks alone.
  const only = process.env.BENCH_BROWSER_ONLY;
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    if (only !== 'usage') {
      if (!kept) await admin.unsafe(`create database "${name}"`);
      const conn = connectPostgres(url, 1);
      await runMigrations(conn);
      await conn.close();
      const sql = postgres(url, { max: 2, onnotice: () => {} });
      if (!kept) await fillHistory(sql);
      await checkHistoryFill(sql);
      await sql.end();
    }
    console.log(
      `load average: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} (${cpus().length} cores)`,
    );
    if (only !== 'usage') await runsPages(browser, url);
    if (only !== 'runs' && only !== 'older') await usagePage(browser);
  } finally {
    await browser.close();
    if (!kept && only !== 'usage') await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
