import { createApiKeyInUi, expect, test, inDemo } from './helpers';

test('retention is edited in Settings → Retention and the API answers the same', async ({
  authedPage: page,
  request,
}) => {
  const key = await createApiKeyInUi(page, `retention ${Date.now()}`);
  await page.goto(inDemo('/settings/retention'));
  const runs = page.getByLabel('Keep runs (days; empty: forever)');
  const usage = page.getByLabel('Keep the usage ledger (days)');

  // A bad value gets a field error and changes nothing.
  await usage.fill('0');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('At least 1 day')).toBeVisible();

  await runs.fill('45');
  await usage.fill('120');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  const headers = { authorization: `Bearer ${key}` };
  const got = await (await request.get('/api/v1/project/retention', { headers })).json();
  expect(got.retention).toMatchObject({ runDays: 45, usageDays: 120 });

  // Emptying the runs field keeps runs forever; the page shows what is stored after a reload.
  await runs.fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await page.reload();
  await expect(runs).toHaveValue('');
  await expect(usage).toHaveValue('120');
  const after = await (await request.get('/api/v1/project/retention', { headers })).json();
  expect(after.retention).toMatchObject({ runDays: null, usageDays: 120 });
});
