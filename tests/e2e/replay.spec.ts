import { expect, FIXTURES, screenshot, test, inDemo } from './helpers';

const FINAL_TEXT = 'A perfect afternoon for a walk along the river.';
const chatUrl = inDemo(`/runs/${FIXTURES.chat}`);

test('without ?seq the complete run is shown, with its tool call card', async ({ authedPage: page }) => {
  await page.goto(chatUrl);
  await expect(page.getByTestId('user-message')).toHaveText('What is the weather in Lisbon?');
  await expect(page.getByTestId('transcript')).toContainText(FINAL_TEXT);
  const card = page.getByTestId('tool-card');
  await expect(card).toContainText('getWeather');
  await expect(card).toContainText('"city": "Lisbon"');
  await expect(card).toContainText('"tempC": 21');
  await expect(card).toContainText('output available');
  await expect(page.getByTestId('replay-position')).toHaveText(/complete run · 38 events/);
  await screenshot(page, 'run-replay');
});

test('playing the run makes the text appear as it streamed', async ({ authedPage: page }) => {
  await page.goto(chatUrl);
  await expect(page.getByTestId('transcript')).toContainText(FINAL_TEXT);
  await page.getByRole('button', { name: '2x' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  // Playback restarts from the beginning: the final answer is gone, then streams back in.
  await expect(page.getByTestId('transcript')).not.toContainText(FINAL_TEXT);
  await expect(page.getByTestId('transcript')).toContainText('Let me check', { timeout: 10_000 });
  await expect(page.getByTestId('transcript')).toContainText(FINAL_TEXT, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // Stopped at the end, the position is in the URL.
  await expect(page).toHaveURL(/seq=37/);
});

test('?seq=N opens the run at that moment, without later text', async ({ authedPage: page }) => {
  // seq 14: the tool call's arguments are streaming; the answer of step 2 comes later.
  await page.goto(`${chatUrl}?seq=14`);
  await expect(page.getByTestId('replay-position')).toContainText('seq 14');
  await expect(page.getByTestId('transcript')).toContainText(
    'Let me check the current weather in Lisbon for you.',
  );
  await expect(page.getByTestId('tool-card')).toContainText('input streaming');
  await expect(page.getByTestId('transcript')).not.toContainText('21 degrees');
  await expect(page.getByTestId('tool-card')).not.toContainText('tempC');
  // The report sections come later in the run, so they are not shown yet.
  await expect(page.getByTestId('report-section')).toHaveCount(0);
  await expect(page.locator('[data-testid="event-row"][aria-current="step"]')).toHaveAttribute(
    'data-seq',
    '14',
  );
  await screenshot(page, 'run-replay-seq14');

  // Stepping forward moves the position and the URL.
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page).toHaveURL(/seq=15/);
  // The arrow keys step too.
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/seq=16/);
  await expect(page.getByTestId('tool-card')).toContainText('"tempC": 21');
  // k jumps back to the previous tool call or error: the tool input became available at seq 15.
  await page.keyboard.press('k');
  await expect(page).toHaveURL(/seq=15/);
  await page.keyboard.press('k');
  await expect(page).toHaveURL(/seq=13/);
});

test('clicking an event in the inspector seeks there; rows expand to JSON', async ({ authedPage: page }) => {
  await page.goto(chatUrl);
  const row = page.locator('[data-testid="event-row"][data-seq="8"]');
  await row.getByRole('button', { name: /text-delta/ }).click();
  await expect(page).toHaveURL(/seq=8/);
  await expect(page.getByTestId('transcript')).toContainText('Let me check the');
  await expect(page.getByTestId('transcript')).not.toContainText('current weather');
  await row.getByRole('button', { name: 'Expand event 8' }).click();
  await expect(row.locator('pre')).toContainText('"delta": "check the "');
});

test('the report and its branch report are shown; sections appear with their events', async ({
  authedPage: page,
}) => {
  await page.goto(chatUrl);
  const report = page.getByTestId('report');
  await expect(report).toContainText('Weather briefing');
  await expect(report.locator('strong')).toHaveText('21 °C');
  const branch = report.getByTestId('branch-report');
  await expect(branch).toContainText('Porto comparison');
  await expect(branch).toContainText('branch porto');
  await expect(branch).toContainText('Porto is cooler');
  // At the first report-section event only the parent's section has been written.
  await page.goto(`${chatUrl}?seq=33`);
  await expect(page.getByTestId('report').getByTestId('report-section').first()).toContainText('Forecast');
  await expect(page.getByTestId('branch-report')).toContainText('No section written yet');
});

test('a dataset run shows its results, pass rate and the failed filter', async ({ authedPage: page }) => {
  await page.goto(inDemo(`/runs/${FIXTURES.dataset}`));
  await expect(page.getByTestId('dataset-summary')).toContainText('3 passed');
  await expect(page.getByTestId('dataset-summary')).toContainText('2 failed');
  await expect(page.getByTestId('dataset-summary')).toContainText('pass rate 60.0%');
  await expect(page.getByTestId('result-row')).toHaveCount(5);
  await expect(page.getByTestId('results-table')).toContainText('Expected Canberra, got Sydney');
  await screenshot(page, 'dataset-run');
  await page.getByRole('link', { name: 'Failed only' }).click();
  await expect(page).toHaveURL(/results=failed/);
  await expect(page.getByTestId('result-row')).toHaveCount(2);
  await expect(page.getByTestId('results-table')).not.toContainText('capital-france');
});

test('a run longer than the first page loads the rest and the inspector scrolls to the end', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo(`/runs/${FIXTURES.long}`));
  await expect(page.getByTestId('replay-position')).toHaveText(/complete run · 3,000 events/, {
    timeout: 30_000,
  });
  const inspector = page.getByTestId('event-inspector');
  // Virtualized: only the rows in view exist in the DOM.
  expect(await inspector.getByTestId('event-row').count()).toBeLessThan(100);
  await inspector.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(inspector.locator('[data-testid="event-row"][data-seq="2999"]')).toBeVisible();
  await page.goto(inDemo(`/runs/${FIXTURES.long}?seq=2500`));
  await expect(page.getByTestId('replay-position')).toContainText('seq 2500', { timeout: 30_000 });
  await expect(page.locator('[data-testid="event-row"][aria-current="step"]')).toHaveAttribute(
    'data-seq',
    '2500',
  );
});
