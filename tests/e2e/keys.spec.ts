import { createApiKeyInUi, expect, screenshot, test, inDemo } from './helpers';

test('an API key is created (shown once), works on the API, and is revoked', async ({
  authedPage: page,
  request,
}) => {
  const name = `e2e key ${Date.now()}`;
  const key = await createApiKeyInUi(page, name);
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
  await page.goto(inDemo('/settings/keys'));
  await page.getByLabel('Name').fill('   ');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByText('Give the key a name')).toBeVisible();
});

test('the copy button says "Copied" only when the browser took the key', async ({ authedPage: page }) => {
  const key = await createApiKeyInUi(page, `e2e clipboard ${Date.now()}`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('new-key').getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(
    page.getByTestId('new-key').getByRole('button', { name: 'Copied', exact: true }),
  ).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  // A browser that refuses (permission denied, no secure context): the button says so.
  const again = await createApiKeyInUi(page, `e2e clipboard refused ${Date.now()}`);
  expect(again).not.toBe(key);
  await page.evaluate(() => {
    Object.defineProperty(navigator.clipboard, 'writeText', {
      value: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')),
    });
  });
  await page.getByTestId('new-key').getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByTestId('new-key').getByRole('button', { name: /^Copy failed/ })).toBeVisible();
});
