import { AGENT_RUN_FIRST_TEXT, AGENT_RUN_QUESTION, agentRun } from '../../scripts/lib/agent-run';
import type { APIRequestContext, Page } from '@playwright/test';
import { createApiKeyInUi, expect, test } from './helpers';

type PendingWatch = { since: number; pendingSince: number | null; pendingMs: number; moves: number };

declare global {
  interface Window {
    __watch: { seen: boolean; lost: number; moved: number; top: number | null };
    __pending: PendingWatch;
    pendingSoFar: (w: PendingWatch) => { pendingMs: number; totalMs: number };
  }
}

/**
 * From now on: how long the transcript is marked pending (behind the replay's position), timed at
 * each change of the mark, and how many times the position moved.
 */
function watchPending() {
  const transcript = () => document.querySelector('[data-testid="transcript"]');
  const now = performance.now();
  const w: PendingWatch = {
    since: now,
    pendingSince: transcript()?.hasAttribute('data-pending') ? now : null,
    pendingMs: 0,
    moves: 0,
  };
  window.__pending = w;
  window.pendingSoFar = (p) => {
    const at = performance.now();
    return {
      pendingMs: p.pendingMs + (p.pendingSince === null ? 0 : at - p.pendingSince),
      totalMs: at - p.since,
    };
  };
  new MutationObserver((records) => {
    const at = performance.now();
    const pending = !!transcript()?.hasAttribute('data-pending');
    if (pending && w.pendingSince === null) w.pendingSince = at;
    if (!pending && w.pendingSince !== null) {
      w.pendingMs += at - w.pendingSince;
      w.pendingSince = null;
    }
    const position = document.querySelector('[data-testid="replay-position"]');
    if (records.some((r) => position?.contains(r.target))) w.moves++;
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-pending'],
  });
}

/** Every frame: is the first assistant text on screen, and has the user message above it moved? */
function watchFirstScreen(text: string) {
  window.__watch = { seen: false, lost: 0, moved: 0, top: null };
  const tick = () => {
    const w = window.__watch;
    const msg = document.querySelector('[data-testid="transcript"]');
    const user = document.querySelector('[data-testid="user-message"]');
    // Only what is laid out counts (streamed HTML waits in a hidden container before it is placed).
    const has = !!msg?.checkVisibility() && !!msg.textContent?.includes(text);
    if (has) w.seen = true;
    else if (w.seen) w.lost++;
    if (user?.checkVisibility() && w.seen) {
      const top = user.getBoundingClientRect().top + window.scrollY;
      if (w.top === null) w.top = top;
      else w.moved = Math.max(w.moved, Math.abs(top - w.top));
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * The file's API key, made in the UI by the first test that needs one (the tests of a file run in
 * order in one worker; a worker started again after a failure makes a new one).
 */
let fileKey: string | undefined;

/**
 * A run of the agent loop's events (scripts/lib/agent-run.ts) recorded through the API with a key made
 * in the UI: `append(from, to)` posts events [from, to); `initial` of them are posted at once, in
 * batches of 1,000; `finish()` ends the run (succeeded).
 */
async function agentRunViaApi(
  page: Page,
  request: APIRequestContext,
  opts: { name: string; size: number; initial?: number; status?: 'running' },
) {
  fileKey ??= await createApiKeyInUi(page, `replay-long e2e ${Date.now()}`);
  const headers = { authorization: `Bearer ${fileKey}` };
  const created = await request.post('/api/v1/runs', {
    headers,
    data: { name: opts.name, ...(opts.status ? { status: opts.status } : {}) },
  });
  const runId = ((await created.json()) as { run: { id: string } }).run.id;
  const events = agentRun(opts.size);
  const append = async (from: number, to: number) => {
    const res = await request.post(`/api/v1/runs/${runId}/events`, {
      headers,
      data: { events: events.slice(from, to) },
    });
    expect(res.status()).toBe(200);
  };
  const initial = opts.initial ?? opts.size;
  for (let i = 0; i < initial; i += 1000) await append(i, Math.min(i + 1000, initial));
  const finish = async () => {
    const res = await request.patch(`/api/v1/runs/${runId}`, { headers, data: { status: 'succeeded' } });
    expect(res.status()).toBe(200);
  };
  return { runId, events, append, finish };
}

test('a 20,000-event run: the first screen comes with the HTML and never loses its text while the rest loads', async ({
  authedPage: page,
  request,
}) => {
  test.setTimeout(240_000);
  const { runId, events, finish } = await agentRunViaApi(page, request, {
    name: 'Long replay e2e',
    size: 20_000,
  });

  // Server-rendered: the HTML itself holds the question and the first answer, as Markdown rendered.
  const html = await (await page.request.get(`/runs/${runId}`)).text();
  expect(html).toContain(AGENT_RUN_QUESTION);
  expect(html).toContain(AGENT_RUN_FIRST_TEXT);

  await page.addInitScript(watchFirstScreen, AGENT_RUN_FIRST_TEXT);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId('replay-position')).toHaveText(/complete run · 20,000 events/, {
    timeout: 180_000,
  });
  const w = await page.evaluate(() => window.__watch);
  expect(w.seen).toBe(true);
  expect(w.lost).toBe(0);
  expect(w.moved).toBeLessThan(1);
  await expect(page.getByTestId('transcript')).toContainText(AGENT_RUN_FIRST_TEXT);
  // Windowed: a 20k-event conversation keeps only the rows near the viewport in the DOM.
  expect(await page.getByTestId('transcript').locator('li').count()).toBeLessThan(60);
  // The Markdown table of a step renders as a table, and a late moment opens directly.
  await expect(page.getByTestId('transcript').locator('table').first()).toBeVisible();

  // The tab keeps payloads only for a window (the rows in view, the moment shown): an event far from
  // it is fetched when its row scrolls into view, and the inspector shows it whole.
  const far = events.findIndex((e, i) => i >= 6000 && e.type === 'tool-input-available');
  const farEvent = events[far]!;
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/events?from=')) fetched.push(r.url());
  });
  const inspector = page.getByTestId('event-inspector');
  await inspector.evaluate((el, i) => {
    el.scrollTop = i * 27 - 100;
  }, far);
  const farRow = inspector.locator(`[data-testid="event-row"][data-seq="${farEvent.seq}"]`);
  await expect(farRow).toContainText(String(farEvent.payload.toolName));
  expect(fetched.length).toBeGreaterThan(0);
  await farRow.getByRole('button', { name: `Expand event ${farEvent.seq}` }).click();
  await expect(farRow.locator('pre')).toContainText(
    `"place": "${(farEvent.payload.input as { place: string }).place}"`,
  );
  // Seeking there shows the transcript at that moment (folded from events fetched again).
  await farRow.getByRole('button', { name: /tool-input-available/ }).click();
  await expect(page).toHaveURL(new RegExp(`seq=${farEvent.seq}$`));
  const farStep = events.slice(0, far + 1).filter((e) => e.type === 'start-step').length;
  await expect(page.getByTestId('transcript')).not.toHaveAttribute('data-pending');
  // To the end of the list (rows measured on the way make it longer: scroll until it stays there).
  await expect
    .poll(
      async () => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return page.getByTestId('transcript').textContent();
      },
      { intervals: [100] },
    )
    .toContain(`Step ${farStep}.`);
  await expect(page.getByTestId('transcript')).not.toContainText(`Step ${farStep + 1}.`);

  // A late moment opens from the server's transcript checkpoint: no page of earlier events is fetched
  // (the events after the checkpoint come with the HTML), and the moment is the right one: the step
  // under way at seq 19,990 is on screen, the next one is not.
  // (Finished, so no live polling either.)
  await finish();
  const step = events.slice(0, 19_991).filter((e) => e.type === 'start-step').length;
  const actions: string[] = [];
  page.on('request', (r) => {
    // (The page before it may still finish a fetch of its own.)
    if (r.method() === 'POST' && r.headers()['next-action'] && r.url().endsWith('seq=19990'))
      actions.push(r.url());
  });
  await page.goto(`/runs/${runId}?seq=19990`);
  await expect(page.getByTestId('replay-position')).toContainText('event 19991/20000 · seq 19990', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('transcript')).toContainText(`Step ${step}.`);
  await expect(page.getByTestId('transcript')).not.toContainText(`Step ${step + 1}.`);
  expect(actions).toEqual([]);
  // The moment is in the server's HTML itself (shown before any script runs), not the run's start.
  const seqHtml = await (await page.request.get(`/runs/${runId}?seq=19990`)).text();
  const shown = /<ol[^>]*data-testid="transcript"[^>]*>([\s\S]*?)<\/ol>/.exec(seqHtml)?.[1] ?? '';
  expect(shown).toContain(`Step ${step}.`);
  expect(shown).not.toContain(AGENT_RUN_FIRST_TEXT);
  // Nor does the page carry the message's earlier steps: they are fetched when scrolled back to.
  expect(seqHtml).not.toContain('Step 2.');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('earlier-parts')).toHaveCount(0, { timeout: 30_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('transcript')).toContainText(AGENT_RUN_FIRST_TEXT);
  await expect(page.getByTestId('transcript')).toContainText('Step 2.');
});

test('a live run: the event list at its end follows the new events; scrolled elsewhere it stays', async ({
  authedPage: page,
  request,
}) => {
  test.setTimeout(120_000);
  const { runId, append } = await agentRunViaApi(page, request, {
    name: 'Live list e2e',
    size: 2_600,
    initial: 2_000,
    status: 'running',
  });
  await page.goto(`/runs/${runId}`);
  const position = page.getByTestId('replay-position');
  await expect(position).toHaveText(/complete run · 2,000 events/, { timeout: 60_000 });
  const inspector = page.getByTestId('event-inspector');
  const row = (seq: number) => inspector.locator(`[data-testid="event-row"][data-seq="${seq}"]`);
  // Loaded behind the first page, the list stays at its top (where it was): seq 0, not mid-run.
  await expect(row(0)).toBeVisible();
  expect(await inspector.evaluate((el) => el.scrollTop)).toBe(0);

  // At its end, it follows the events as they come.
  await inspector.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(row(1_999)).toBeVisible();
  await append(2_000, 2_300);
  await expect(position).toHaveText(/complete run · 2,300 events/, { timeout: 30_000 });
  await expect(row(2_299)).toBeVisible();

  // Scrolled back to the top, it stays there while more come.
  await inspector.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(row(0)).toBeVisible();
  await append(2_300, 2_600);
  await expect(position).toHaveText(/complete run · 2,600 events/, { timeout: 30_000 });
  await expect(row(0)).toBeVisible();
  expect(await inspector.evaluate((el) => el.scrollTop)).toBe(0);
});

/**
 * Opens `url` with the page's scripts held back until the transcript's server-rendered nodes (its rows
 * and paragraphs) are tagged, so that after hydration a test can tell the server's nodes from new ones.
 */
async function gotoTaggingServerNodes(page: Page, url: string) {
  let release = () => {};
  const scripts = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/_next/static/chunks/**/*.js', async (route) => {
    await scripts;
    await route.continue();
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const tagged = await page.getByTestId('transcript').evaluate((ol) => {
    const nodes = ol.querySelectorAll('li, p');
    for (const el of nodes) (el as HTMLElement & { __fromServer?: true }).__fromServer = true;
    return nodes.length;
  });
  expect(tagged).toBeGreaterThan(0);
  release();
  await page.unrouteAll({ behavior: 'wait' });
}

/** Whether the node holding `text` in the transcript is still the one the server's HTML made. */
const keptFromServer = (page: Page, text: string) =>
  page.getByTestId('transcript').evaluate((ol, t) => {
    const p = [...ol.querySelectorAll('p')].find((el) => el.textContent?.includes(t));
    const li = p?.closest('li');
    const tagged = (el: Element | null | undefined) => !!(el as { __fromServer?: true } | null)?.__fromServer;
    return { found: !!p, p: tagged(p), li: tagged(li) };
  }, text);

/**
 * A finished 3,000-event run recorded as it streamed (running, then finished), for the tests that only
 * read it: made by the first of them, shared with the next (the same events twice cost an ingest).
 */
let finished3000: Promise<Awaited<ReturnType<typeof agentRunViaApi>>> | undefined;
function finishedRun3000(page: Page, request: APIRequestContext) {
  finished3000 ??= (async () => {
    const run = await agentRunViaApi(page, request, {
      name: 'Finished 3,000 e2e',
      size: 3_000,
      status: 'running',
    });
    await run.finish();
    return run;
  })();
  return finished3000;
}

/** React has hydrated the replay and the transcript shows the position (nothing pending). */
async function expectHydrated(page: Page) {
  await expect(page.getByTestId('replay')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('transcript')).not.toHaveAttribute('data-pending');
}

test('hydration keeps the rows and Markdown the server rendered, from the start and at ?seq=N', async ({
  authedPage: page,
  request,
}) => {
  const { runId, events } = await finishedRun3000(page, request);
  await gotoTaggingServerNodes(page, `/runs/${runId}`);
  await expect(page.getByTestId('replay-position')).toHaveText(/complete run · 3,000 events/);
  await expectHydrated(page);
  expect(await keptFromServer(page, AGENT_RUN_FIRST_TEXT)).toEqual({ found: true, p: true, li: true });

  // At a moment: the step under way there, as the server's tail of rows showed it.
  const seq = 2_990;
  const step = events.slice(0, seq + 1).filter((e) => e.type === 'start-step').length;
  await gotoTaggingServerNodes(page, `/runs/${runId}?seq=${seq}`);
  await expect(page.getByTestId('replay-position')).toContainText(`seq ${seq} `);
  await expectHydrated(page);
  expect(await keptFromServer(page, `Step ${step}.`)).toEqual({ found: true, p: true, li: true });
});

test('while playing, the transcript keeps up with the position, on a slow CPU too', async ({
  authedPage: page,
  request,
}) => {
  // A throttled CPU on a slow shared machine takes over a minute for the moves below.
  test.setTimeout(180_000);
  const { runId } = await finishedRun3000(page, request);
  await page.goto(`/runs/${runId}?seq=1500`);
  await expect(page.getByTestId('replay-position')).toContainText('seq 1500 ');
  // The position moves every frame: a transcript rendered behind it, in a render each frame
  // interrupts, never caught up on a slow machine (slowed down here so that any machine shows it).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
  await page.getByRole('button', { name: '10x' }).click();
  await page.evaluate(watchPending);
  await page.getByRole('button', { name: 'Play' }).click();
  // Thirty moves of the position, however long a slow machine takes for them, or the end of the run:
  // the rest of it lasts a few seconds at 10x, so a throttled renderer drawing few frames a second
  // reaches the end first (then the Play button is back).
  await expect
    .poll(
      async () => {
        const moves = await page.evaluate(() => window.__pending.moves);
        return (
          moves >= 30 ||
          (moves > 0 && (await page.getByRole('button', { name: 'Play', exact: true }).isVisible()))
        );
      },
      { timeout: 150_000 },
    )
    .toBe(true);
  expect(await page.evaluate(() => window.__pending.moves)).toBeGreaterThanOrEqual(10);
  const { pendingMs, totalMs } = await page.evaluate(() => window.pendingSoFar(window.__pending));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  // Behind the position at most a fifth of the time (a transcript that never caught up: all of it).
  expect(pendingMs / totalMs, `${Math.round(pendingMs)} of ${Math.round(totalMs)} ms`).toBeLessThanOrEqual(
    0.2,
  );
  await expect(page.getByTestId('replay-position')).not.toContainText('seq 1500 ');
});
