import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { createApiKeyInUi, expect, FIXTURES, inDemo, screenshot, test } from './helpers';

test('a content search highlights the words and opens the replay at the first matching event', async ({
  authedPage: page,
}) => {
  // "getWeather" is only in the content (a tool name), not in any run name.
  await page.goto(inDemo('/runs?q=getweather'));
  const row = page
    .getByTestId('runs-table')
    .locator('tbody tr')
    .filter({ hasText: 'Fixture: weather in Lisbon' });
  await expect(row).toHaveCount(1);
  const snippet = row.getByTestId('search-snippet');
  await expect(snippet.getByTestId('search-hit')).toHaveText(['getWeather']);
  await screenshot(page, 'runs-search');
  const href = await snippet.getAttribute('href');
  expect(href).toMatch(new RegExp(`^${inDemo(`/runs/${FIXTURES.chat}`)}\\?seq=\\d+$`));
  await snippet.click();
  await expect(page).toHaveURL(new RegExp(`/runs/${FIXTURES.chat}\\?seq=\\d+`));
  await expect(page.getByTestId('run-name')).toHaveText('Fixture: weather in Lisbon');

  // A word in the name and the user message: both marked.
  await page.goto(inDemo('/runs?q=lisbon'));
  const hits = page.getByTestId('runs-table').getByTestId('search-hit');
  await expect(hits.first()).toBeVisible();
  expect((await hits.allTextContents()).every((t) => t.toLowerCase() === 'lisbon')).toBe(true);
});

test('two runs picked in the history open a compare page with deltas and a word diff', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs?q=Fixture'));
  await page.getByLabel('Compare Fixture: weather in Lisbon').check();
  await page.getByLabel('Compare Fixture: XSS probe').check();
  await page.getByRole('button', { name: 'Compare selected (2)' }).click();
  await expect(page).toHaveURL(/\/runs\/compare\?a=[0-9a-f-]+&b=[0-9a-f-]+$/);
  const stats = page.getByTestId('compare-stats');
  await expect(stats.locator('tr[data-metric="Tool calls"]')).toBeVisible();
  await expect(page.getByTestId('answer-diff')).toBeVisible();
  await expect(page.getByTestId('compare-steps').locator('tbody tr').first()).toBeVisible();
  // The URL alone reproduces the page (shareable).
  const url = page.url();
  await page.goto(url);
  await expect(page.getByTestId('compare-stats')).toBeVisible();
  await screenshot(page, 'compare-runs');
});

test('two dataset runs on the same dataset compare item by item, filtered by change', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs?kind=dataset&q=support-agent'));
  await page.getByLabel(/^Compare Eval: support-agent v1/).check();
  await page.getByLabel(/^Compare Eval: support-agent v2/).check();
  await page.getByRole('button', { name: 'Compare selected (2)' }).click();
  await expect(page).toHaveURL(/\/runs\/compare\?a=/);
  await expect(page.getByTestId('pass-rate-delta')).toContainText('pass rate Δ');
  const rows = page.getByTestId('item-compare').locator('tbody tr');
  const total = await rows.count();
  expect(total).toBeGreaterThan(0);
  await screenshot(page, 'compare-datasets');
  await page.getByRole('link', { name: /^both pass \(\d+\)$/ }).click();
  await expect(page).toHaveURL(/change=both_pass/);
  const changes = await page
    .getByTestId('item-compare')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-change')));
  expect(changes.every((c) => c === 'both_pass')).toBe(true);
});

test('an item of two dataset runs opens its two results side by side with their scores', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs?kind=dataset&q=support-agent'));
  await page.getByLabel(/^Compare Eval: support-agent v1/).check();
  await page.getByLabel(/^Compare Eval: support-agent v2/).check();
  await page.getByRole('button', { name: 'Compare selected (2)' }).click();
  await expect(page).toHaveURL(/\/runs\/compare\?a=/);
  const compareUrl = page.url();
  const a = new URL(compareUrl).searchParams.get('a')!;
  // A scorer's verdict on A's result of its first item, through the API.
  const key = await createApiKeyInUi(page, 'item compare');
  const auth = { authorization: `Bearer ${key}` };
  const results = await page.request.get(`/api/v1/runs/${a}/results?limit=1`, { headers: auth });
  const [first] = ((await results.json()) as { data: { id: string; itemId: string }[] }).data;
  const scored = await page.request.post('/api/v1/scores', {
    headers: auth,
    data: {
      scores: [{ runId: a, resultId: first!.id, name: 'exact', value: true, comment: 'matches the truth' }],
    },
  });
  expect(scored.status()).toBe(200);
  await page.goto(compareUrl);
  await page.getByRole('link', { name: `Open item ${first!.itemId} side by side` }).click();
  await expect(page).toHaveURL(new RegExp(`&item=${encodeURIComponent(first!.itemId)}$`));
  await expect(page.getByTestId('item-facts')).toBeVisible();
  const left = page.getByTestId('item-side-a');
  await expect(left.locator('li[data-score="exact"]')).toContainText('yes');
  await expect(left).toContainText('matches the truth');
  await expect(page.getByTestId('item-side-b')).toContainText(/Output|Error|no result/);
  await page.getByRole('link', { name: '← All items' }).click();
  await expect(page.getByTestId('item-compare')).toBeVisible();
});

test('the filtered history downloads as CSV', async ({ authedPage: page }) => {
  await page.goto(inDemo('/runs?q=Fixture'));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSV', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^runs-.*\.csv$/);
  const [header, ...rows] = parse(readFileSync((await download.path())!, 'utf8')) as string[][];
  expect(header!.slice(0, 4)).toEqual(['id', 'name', 'kind', 'status']);
  const names = rows.map((r) => r[1]);
  expect(names).toContain('Fixture: weather in Lisbon');
  expect(names.every((n) => n!.includes('Fixture'))).toBe(true);
});

test('a download with a filter the page would drop is refused, not widened', async ({ authedPage: page }) => {
  for (const query of ['status=faild', 'format=xml', 'range=2y', 'events=yes']) {
    const res = await page.request.get(inDemo(`/runs/export?${query}`));
    expect(res.status(), query).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_request');
  }
  const ok = await page.request.get(inDemo('/runs/export?status=failed&format=jsonl'));
  expect(ok.status()).toBe(200);
  expect(ok.headers()['content-type']).toContain('ndjson');
});
