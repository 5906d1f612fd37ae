import { expect, screenshot, test } from './helpers';

test('an API key is created (shown once), works on the API, and is revoked', async ({
  authedPage: page,
  request,
}) => {
  await page.goto('/settings/keys');
  const name = `e2e key ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  const plain = page.getByTestId('plain-key');
  await expect(plain).toHaveText(/^rl_[A-Za-z0-9_-]{32,}$/);
  const key = (await plain.textContent())!;
  const row = page.locator(`[data-testid="key-row"][data-key-name="${name}"]`);
  await expect(row).toContainText(key.slice(0, 10));
  await expect(row).toContainText('active');
  await screenshot(page, 'api-keys');

  const ok = await request.get('/api/v1/runs?limit=1', { headers: { authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);

  // The plain key is not shown again after a reload.
  await page.reload();
  await expect(page.getByTestId('plain-key')).toHaveCount(0);

  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toContainText('revoked');
  const refused = await request.get('/api/v1/runs?limit=1', { headers: { authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
});

test('an empty key name is refused with a field error', async ({ authedPage: page }) => {
  await page.goto('/settings/keys');
  await page.getByLabel('Name').fill('   ');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByText('Give the key a name')).toBeVisible();
});
