import { startReceiver } from '../helpers/webhook-receiver';
import { createApiKeyInUi, expect, inDemo, screenshot, test } from './helpers';

// The e2e server evaluates monitors every second (RUNLEDGER_MONITOR_INTERVAL_SECONDS in the config)
// and lets destinations use loopback (RUNLEDGER_WEBHOOK_ALLOW_PRIVATE).
test('a monitor made with its preview fires on ingested runs: incident, history link, signed delivery', async ({
  authedPage: page,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    const suffix = Date.now().toString(36);
    const tag = `e2e-mon-${suffix}`;
    const name = `Errors ${suffix}`;
    const key = await createApiKeyInUi(page, `monitors e2e ${suffix}`);
    const auth = { authorization: `Bearer ${key}` };
    const dest = await request.post('/api/v1/destinations', { headers: auth, data: { url: receiver.url } });
    expect(dest.status()).toBe(201);
    const { destination, secret } = (await dest.json()) as { destination: { id: string }; secret: string };

    // The form: error rate of this test's tagged runs over 5 minutes, above 70 %.
    await page.goto(inDemo('/monitors'));
    await expect(page.getByRole('heading', { name: 'Monitors', level: 1 })).toBeVisible();
    const form = page.getByTestId('monitor-form');
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Metric', { exact: true }).selectOption('error_rate');
    await form.getByLabel('Window').selectOption('300');
    await form.getByLabel('Fires when').selectOption('gt');
    await form.getByLabel('Threshold').fill('not a number');
    // The preview answers what is wrong before anything is saved.
    await expect(page.getByTestId('preview-error')).toContainText('threshold');
    await form.getByLabel('Threshold').fill('70');
    await form.getByLabel('Tag').fill(tag);
    await expect(page.getByTestId('preview-now')).toHaveText('Now: no data');
    await expect(page.getByTestId('monitor-preview').getByTestId('sparkline')).toBeVisible();
    await form.getByRole('button', { name: 'Create monitor' }).click();
    const card = page.getByTestId('monitor-card').filter({ hasText: name });
    await expect(card.getByTestId('monitor-state')).toHaveText('ok');

    // One run that succeeded, then three that failed, through the API: only the last makes it cross
    // (0, 50, 67, then 75 % > 70 %), whenever a tick falls between them.
    for (const status of ['succeeded', 'failed', 'failed', 'failed']) {
      const res = await request.post('/api/v1/runs', {
        headers: auth,
        data: { name: `mon ${status}`, status, tags: [tag] },
      });
      expect(res.status()).toBe(201);
    }
    // The preview of the same definition sees them now.
    await page.reload();
    await form.getByLabel('Tag').fill(tag);
    await form.getByLabel('Metric', { exact: true }).selectOption('error_rate');
    await expect(page.getByTestId('preview-now')).toHaveText('Now: 75');

    // The next evaluation (every second) fires it.
    await expect(async () => {
      await page.reload();
      await expect(card.getByTestId('monitor-state')).toHaveText('firing', { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    const incident = card.getByTestId('incident-row').first();
    await expect(incident).toContainText('firing');
    await expect(incident).toContainText('75');
    await screenshot(page, 'monitors-firing');

    // The signed delivery, verified with the standardwebhooks package.
    await expect
      .poll(() => receiver.verified(secret).filter((r) => r.payload.type === 'monitor.firing').length, {
        timeout: 30_000,
      })
      .toBe(1);
    const firing = receiver.verified(secret).find((r) => r.payload.type === 'monitor.firing')!;
    expect(firing.payload.data).toMatchObject({
      name,
      value: 75,
      threshold: 70,
      comparator: 'gt',
      subject: null,
    });

    // ...and in the destination's delivery log.
    await page.goto(inDemo(`/settings/destinations?destination=${destination.id}`));
    const delivery = page.getByTestId('delivery-row').filter({ hasText: 'monitor.firing' });
    await expect(delivery).toContainText('delivered');

    // The incident's link opens the history filtered to the runs that caused it.
    await page.goto(inDemo('/monitors'));
    await card.getByTestId('incident-link').first().click();
    await expect(page).toHaveURL(/\/runs\?status=failed&tag=/);
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toContainText('mon failed');

    // At phone width the page fits the viewport.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(inDemo('/monitors'));
    await expect(card).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  } finally {
    await receiver.stop();
  }
});
