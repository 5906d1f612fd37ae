import type { APIRequestContext, Page } from '@playwright/test';
import { expect, screenshot, test, inDemo } from './helpers';

/** An API key of the current project, made through the keys page (the e2e server has no other). */
async function createKey(page: Page): Promise<string> {
  await page.goto(inDemo('/settings/keys'));
  await page.getByLabel('Name').fill(`usage e2e ${Date.now()}`);
  await page.getByRole('button', { name: 'Create key' }).click();
  const plain = page.getByTestId('plain-key');
  await expect(plain).toHaveText(/^rl_/);
  return (await plain.textContent())!;
}

async function record(request: APIRequestContext, key: string, body: Record<string, unknown>) {
  const res = await request.post('/api/v1/usage', {
    headers: { authorization: `Bearer ${key}` },
    data: body,
  });
  expect(res.status()).toBe(200);
}

test('the usage page shows quotas and usage; a quota is created, changed and deleted', async ({
  authedPage: page,
  request,
}) => {
  const suffix = Date.now().toString(36);
  const subject = `e2e_user_${suffix}`;
  const metric = `e2e_tokens_${suffix}`;
  const key = await createKey(page);
  // Usage before the quota exists: a new quota starts from what its window already used.
  await record(request, key, { subject, metric, amount: 600, model: 'model-a' });
  await record(request, key, { subject, metric, amount: 250, model: 'model-b' });
  await record(request, key, { subject, metric: 'tokens', amount: 1200, model: 'model-a' });
  await record(request, key, { subject: `${subject}_2`, metric: 'tokens', amount: 300, model: 'model-b' });

  // The top-subjects table on this test's own metric (the demo data may have busier subjects).
  await page.goto(inDemo(`/usage?top=${metric}`));
  await expect(page.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Quotas', exact: true })).toBeVisible();
  await expect(page.getByTestId(`daily-chart-${metric}`)).toBeVisible();
  // One daily chart at a time, the server draws only it: the switcher is links in the address.
  const metrics = page.getByRole('navigation', { name: 'Metric' });
  await expect(metrics.getByRole('link', { name: metric, exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await expect(page.locator('[data-chart][data-testid^="daily-chart-"]')).toHaveCount(1);
  await metrics.getByRole('link', { name: 'tokens', exact: true }).click();
  await expect(page).toHaveURL(/chart=tokens/);
  await expect(page).toHaveURL(new RegExp(`top=${metric}`));
  await expect(page.getByTestId('daily-chart-tokens')).toBeVisible();
  await expect(page.getByTestId(`daily-chart-${metric}`)).toHaveCount(0);
  await expect(metrics.getByRole('link', { name: 'tokens', exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  // The choice is a link: loaded as such, the page draws that chart alone.
  await page.reload();
  await expect(page.getByTestId('daily-chart-tokens')).toBeVisible();
  await expect(page.locator('[data-chart][data-testid^="daily-chart-"]')).toHaveCount(1);
  // Cost per day (the demo's runs carry cost): one split drawn, the other a link.
  const split = page.getByRole('navigation', { name: 'Split cost by' });
  await expect(page.getByTestId('cost-by-model')).toBeVisible();
  await expect(page.getByTestId('cost-by-user')).toHaveCount(0);
  await split.getByRole('link', { name: 'by user' }).click();
  await expect(page).toHaveURL(/cost=user/);
  await expect(page.getByTestId('cost-by-user')).toBeVisible();
  await expect(page.getByTestId('cost-by-model')).toHaveCount(0);
  await expect(page.getByTestId('daily-chart-tokens')).toBeVisible();
  await expect(page.getByTestId('top-subjects')).toContainText(subject);

  // Every field's error is shown inline, and nothing is created.
  const form = page.getByRole('form', { name: 'New quota' });
  await form.getByLabel('Metric').fill('');
  await form.getByLabel('Limit').fill('-5');
  await form.getByRole('button', { name: 'Add quota' }).click();
  await expect(form.getByText('Enter a metric, e.g. tokens')).toBeVisible();
  await expect(form.getByText('Enter a whole number of 0 or more')).toBeVisible();

  await form.getByLabel('Subject').fill(subject);
  await form.getByLabel('Metric').fill(metric);
  await form.getByLabel('Window').selectOption('day');
  await form.getByLabel('Limit').fill('1000');
  await form.getByLabel('Mode').selectOption('hard');
  await form.getByRole('button', { name: 'Add quota' }).click();
  await expect(form.getByText('Quota added.')).toBeVisible();

  const label = `${subject} ${metric} day`;
  const status = page.locator(`[data-testid="quota-status"][data-quota="${label}"]`);
  await expect(status).toContainText('850 / 1,000');
  await expect(status).toContainText('150 remaining');
  await expect(status).toContainText(/resets in \d+h \d+m|resets in \d+m/);
  await expect(status).toContainText('hard');
  // 85 %: amber.
  await expect(status).toHaveAttribute('data-state', 'warning');
  await expect(status.getByRole('progressbar')).toHaveAttribute('data-state', 'warning');

  // Change the limit and the mode: past the new limit, red, and marked soft.
  const row = page.locator(`[data-testid="quota-edit-row"][data-quota="${label}"]`);
  await row.getByLabel(`Limit of ${label}`).fill('800');
  await row.getByLabel(`Mode of ${label}`).selectOption('soft');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByText('Saved')).toBeVisible();
  await expect(status).toContainText('850 / 800');
  await expect(status).toHaveAttribute('data-state', 'exceeded');
  await expect(status).toContainText('soft');
  await expect(status).toContainText('over soft limit');

  // An invalid limit in the editor: an inline error, the stored quota unchanged.
  await row.getByLabel(`Limit of ${label}`).fill('12.5');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByText('Enter a whole number of 0 or more')).toBeVisible();
  await expect(status).toContainText('850 / 800');

  // One subject's usage and quotas across windows, kept in the URL.
  await page.getByLabel('Look up subject').fill(subject);
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page).toHaveURL(new RegExp(`subject=${subject}`));
  const detail = page.getByTestId('subject-detail');
  await expect(detail).toContainText(metric);
  await expect(detail).toContainText('850 / 800');
  await expect(detail).toContainText('own quota');

  await screenshot(page, 'usage');

  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: `Delete ${label}` }).click();
  await expect(status).toHaveCount(0);
  await expect(row).toHaveCount(0);
});
