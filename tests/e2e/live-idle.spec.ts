import type { Request } from '@playwright/test';
import { createApiKeyInUi, expect, FIXTURES, inDemo, test } from './helpers';

/** A server re-render of the page (router.refresh): an RSC request that is not a link's prefetch. */
const isRefresh = (r: Request) => r.headers().rsc === '1' && !r.headers()['next-router-prefetch'];
const isMarker = (r: Request) => new URL(r.url()).pathname.endsWith('/runs/changes');

test('a page showing a stale running run sends no refresh while no event arrives, and refreshes when one does', async ({
  authedPage: page,
  request,
}) => {
  const key = await createApiKeyInUi(page, `idle e2e ${Date.now()}`);
  const refreshes: string[] = [];
  let markerAnswers = 0;
  page.on('request', (r) => {
    if (isRefresh(r)) refreshes.push(r.url());
  });
  page.on('response', (r) => {
    if (isMarker(r.request()) && r.ok()) markerAnswers++;
  });

  await page.goto(inDemo('/runs?tag=stale'));
  const row = page.getByTestId('runs-table').locator('tbody tr', { hasText: 'Fixture: quiet agent' });
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(row.locator('[data-stale]')).toHaveText('running · stale');
  // Only stale runs on the page: no "live" mark.
  await expect(page.getByText('live', { exact: true })).toHaveCount(0);

  // Three rounds of the change marker answered with nothing new: not one re-render of the page.
  await expect.poll(() => markerAnswers, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  expect(refreshes).toEqual([]);

  // The agent speaks again: the next marker round sees it and the page re-renders once, showing it.
  const res = await request.post(`/api/v1/runs/${FIXTURES.staleRunning}/events`, {
    headers: { authorization: `Bearer ${key}` },
    data: { events: [{ seq: 1, type: 'start', payload: { type: 'start' } }] },
  });
  expect(res.status()).toBe(200);
  await expect(row.locator('[data-stale]')).toHaveCount(0);
  await expect(page.getByText('live', { exact: true })).toBeVisible();
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
});
