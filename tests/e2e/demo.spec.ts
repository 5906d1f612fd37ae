import { uuidFrom } from '../../src/server/demo/random';
import { expect, screenshot, test, inDemo } from './helpers';

// The demo project a user sees after the README's start command (ids are derived from fixed names,
// the same on every install; see DEMO_RUN_IDS in src/server/demo/seed.ts).
const DEMO = {
  workflowWithBranches: uuidFrom('run:workflow-0'),
  toolCall: uuidFrom('run:tool-call'),
  datasetV1: uuidFrom('run:dataset-v1'),
};

test('the demo seed: history lists the three kinds of runs across many pages', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo('/runs'));
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(20);
  for (const kind of ['chat', 'workflow', 'dataset'] as const) {
    await page.goto(inDemo(`/runs?kind=${kind}`));
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThan(0);
  }
});

test('the demo seed: a workflow run shows its report with nested branch reports', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo(`/runs/${DEMO.workflowWithBranches}`));
  const report = page.getByTestId('report').first();
  await expect(report).toBeVisible();
  const branches = report.getByTestId('branch-report');
  await expect(branches.first()).toBeVisible();
  expect(await branches.count()).toBeGreaterThanOrEqual(2);
  await expect(branches.first()).toContainText('branch ');
  expect(await report.getByTestId('report-section').count()).toBeGreaterThan(2);
  // GitHub-flavoured Markdown: the demo's summary table renders as a table, not pipes.
  await expect(report.locator('table th').first()).toHaveText('Segment');
  // The workflow's step markers are small flat objects: shown as their fields, not as JSON.
  await expect(page.getByTestId('data-part').first()).toContainText(/step\s*name\s*\S+/);
  await screenshot(page, 'demo-workflow-report');
});

test('the demo seed: a chat run with a tool call, from its first event to the end', async ({
  authedPage: page,
}) => {
  await page.goto(inDemo(`/runs/${DEMO.toolCall}`));
  await expect(page.getByTestId('tool-card').first()).toContainText('output available');
  await expect(page.getByTestId('user-message').first()).toBeVisible();
  await page.goto(inDemo(`/runs/${DEMO.toolCall}?seq=0`));
  await expect(page.getByTestId('replay-position')).toContainText('seq 0');
  await expect(page.getByTestId('tool-card')).toHaveCount(0);
  // "instant" plays to the end at once: the complete run, and the position leaves the URL.
  await page.getByRole('button', { name: 'instant' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByTestId('tool-card').first()).toContainText('output available');
  await expect(page.getByTestId('replay-position')).toContainText('complete run');
  await expect(page).not.toHaveURL(/seq=/);
});

test('the demo seed: a dataset run shows its results and pass rate', async ({ authedPage: page }) => {
  await page.goto(inDemo(`/runs/${DEMO.datasetV1}`));
  await expect(page.getByTestId('dataset-summary')).toContainText(/pass rate \d+\.\d%/);
  expect(await page.getByTestId('result-row').count()).toBeGreaterThan(10);
  await page.getByRole('link', { name: 'Failed only' }).click();
  await expect(page).toHaveURL(/results=failed/);
  await expect(page.getByTestId('result-row').first()).toBeVisible();
  await expect(page.getByTestId('result-row').getByText('passed', { exact: true })).toHaveCount(0);
  await screenshot(page, 'demo-dataset-run');
});
