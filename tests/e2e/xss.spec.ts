import { expect, FIXTURES, screenshot, test, inDemo } from './helpers';

test('markup stored in events, results and reports renders as text and never runs', async ({
  authedPage: page,
  dialogs,
}) => {
  await page.goto(inDemo(`/runs/${FIXTURES.xss}`));
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toContainText('user says <script>alert(1)</script> <img src=x onerror=alert(1)>');
  await expect(transcript).toContainText('assistant says <script>alert(1)</script>');
  await expect(page.getByTestId('tool-card')).toContainText('tool result <script>alert(1)</script>');
  await expect(transcript).toContainText('stream error <script>alert(1)</script>');
  const report = page.getByTestId('report');
  await expect(report).toContainText('Heading <script>alert(1)</script>');
  await expect(report).toContainText('Body <script>alert(1)</script> <img src=x onerror=alert(1)>');
  // The javascript: link of the Markdown body is dropped by the sanitizer.
  await expect(report.locator('a[href^="javascript:"]')).toHaveCount(0);
  // No element from stored content: no <img src=x>, no script in the main area.
  await expect(page.locator('main img[src="x"]')).toHaveCount(0);
  await expect(page.locator('main script')).toHaveCount(0);
  await page.getByRole('button', { name: 'instant' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  // Played to its last event (every event's content rendered on the way), then stopped.
  await expect(page.getByTestId('replay-position')).toHaveText(/complete run|event (\d+)\/\1 /);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await screenshot(page, 'xss-probe');
  expect(dialogs).toEqual([]);
});
