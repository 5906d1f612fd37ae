import { createApiKeyInUi, expect, test, inDemo } from './helpers';

test('a running run refreshes by itself: new events stream into the replay, the finish shows in the list', async ({
  authedPage: page,
  request,
}) => {
  const key = await createApiKeyInUi(page, `live e2e ${Date.now()}`);
  const api = { authorization: `Bearer ${key}` };
  const name = `Live e2e run ${Date.now()}`;
  const created = await request.post('/api/v1/runs', {
    headers: api,
    data: { name, status: 'running', userId: 'live-user', tags: ['live'] },
  });
  expect(created.status()).toBe(201);
  const runId = ((await created.json()) as { run: { id: string } }).run.id;
  const append = async (events: { seq: number; type: string; payload: unknown }[]) => {
    const res = await request.post(`/api/v1/runs/${runId}/events`, { headers: api, data: { events } });
    expect(res.status()).toBe(200);
  };
  await append([
    { seq: 0, type: 'user-message', payload: { text: 'Are you streaming live?' } },
    { seq: 1, type: 'start', payload: { type: 'start' } },
  ]);

  await page.goto(inDemo(`/runs?q=${encodeURIComponent(name)}`));
  const row = page.getByTestId('runs-table').locator('tbody tr', { hasText: name });
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(page.getByText('live', { exact: true }).first()).toBeVisible();

  await page.goto(inDemo(`/runs/${runId}`));
  await expect(page.getByTestId('user-message')).toHaveText('Are you streaming live?');
  // Appended while the page is open: they appear without a reload.
  await append([
    { seq: 2, type: 'text-start', payload: { type: 'text-start', id: 't1' } },
    { seq: 3, type: 'text-delta', payload: { type: 'text-delta', id: 't1', delta: 'Yes, every ' } },
    { seq: 4, type: 'text-delta', payload: { type: 'text-delta', id: 't1', delta: 'few seconds.' } },
  ]);
  await expect(page.getByTestId('transcript')).toContainText('Yes, every few seconds.', { timeout: 15_000 });
  await append([
    { seq: 5, type: 'text-end', payload: { type: 'text-end', id: 't1' } },
    { seq: 6, type: 'finish', payload: { type: 'finish' } },
  ]);
  const finished = await request.patch(`/api/v1/runs/${runId}`, {
    headers: api,
    data: { status: 'succeeded', output: { text: 'Yes, every few seconds.' } },
  });
  expect(finished.status()).toBe(200);
  await expect(page.getByTestId('replay-position')).toContainText('7 events', { timeout: 15_000 });
  await expect(page.getByTestId('run-header').getByText('succeeded')).toBeVisible({ timeout: 15_000 });

  await page.goto(inDemo(`/runs?q=${encodeURIComponent(name)}`));
  await expect(row).toHaveAttribute('data-status', 'succeeded');
});
