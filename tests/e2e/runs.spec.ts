import { expect, FIXTURES, screenshot, test, inDemo } from './helpers';

test('the history list applies filters from the URL, and a filter choice lands in the URL', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs'));
  await expect(page.getByTestId('runs-table')).toBeVisible();
  await screenshot(page, 'runs');

  await page.goto(inDemo('/runs?status=failed&q=xss'));
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows.filter({ hasText: 'Fixture: XSS probe' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Fixture: weather in Lisbon' })).toHaveCount(0);
  for (const status of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))) {
    expect(status).toBe('failed');
  }
  await expect(page.getByLabel('Status')).toHaveValue('failed');

  await page.goto(inDemo('/runs'));
  await page.getByLabel('Kind').selectOption('dataset');
  await expect(page).toHaveURL(/kind=dataset/);
  await expect(rows.filter({ hasText: 'Fixture: capitals eval' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Fixture: XSS probe' })).toHaveCount(0);
});

test('the tag and thread filters work, and a thread lists its runs', async ({ authedPage: page }) => {
  await page.goto(inDemo('/runs?tag=weather'));
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows.filter({ hasText: 'Fixture: weather in Lisbon' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Fixture: XSS probe' })).toHaveCount(0);
  await page.getByRole('link', { name: 'thread fixture-thread-1' }).click();
  await expect(page).toHaveURL(/\/threads\/fixture-thread-1/);
  await expect(page.getByRole('heading', { name: /Thread fixture-thread-1/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Fixture: weather in Lisbon' })).toBeVisible();
});

test('a filter that matches nothing shows an empty state', async ({ authedPage: page }) => {
  await page.goto(inDemo('/runs?q=no-run-has-this-name-zzz'));
  await expect(page.getByText('No runs match these filters')).toBeVisible();
});

test('opening a run from the list shows its header', async ({ authedPage: page }) => {
  await page.goto(inDemo('/runs?q=weather'));
  await page.getByRole('link', { name: 'Fixture: weather in Lisbon' }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${FIXTURES.chat}`));
  await expect(page.getByTestId('run-name')).toHaveText('Fixture: weather in Lisbon');
  await expect(page.getByText('fixture-model-1', { exact: true })).toBeVisible();
});

test('an unknown run shows the not-found page', async ({ authedPage: page }) => {
  await page.goto(inDemo('/runs/00000000-0000-4000-8000-0000000000ff'));
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('"Older" is fetched once it is in view: the click shows the next page without asking the server again', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs'));
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows).toHaveCount(50);
  const first = await rows.first().textContent();
  // Page data requests (RSC) for the next page, prefetches included.
  const next: string[] = [];
  page.on('request', (r) => {
    if (r.headers().rsc === '1' && r.url().includes('cursor=')) next.push(r.url());
  });
  const older = page.getByRole('link', { name: /Older/ });
  // The whole page (a request without the partial-prefetch header) arrives once the link is in view.
  const full = page.waitForResponse(
    (r) =>
      r.url().includes('cursor=') &&
      r.request().headers().rsc === '1' &&
      !r.request().headers()['next-router-prefetch'],
  );
  await older.scrollIntoViewIfNeeded();
  await full;
  await page.waitForLoadState('networkidle');
  const before = next.length;
  await older.click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(rows.first()).not.toHaveText(first!);
  await expect(rows).toHaveCount(50);
  expect(next.slice(before)).toEqual([]);
});
