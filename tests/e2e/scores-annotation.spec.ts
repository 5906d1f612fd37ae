import { type Browser, expect, type Page } from '@playwright/test';
import { FIXTURES, inDemo, screenshot, test } from './helpers';

// Named to run after runs-layout.spec.ts: it chooses score columns for the demo project's history.

const chatUrl = inDemo(`/runs/${FIXTURES.chat}`);

async function addConfig(page: Page, name: string, type: string, fields: Record<string, string>) {
  await page.goto(inDemo('/settings/scores'));
  const form = page.getByRole('form', { name: 'Add a score config' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Type').selectOption(type);
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: 'Save config' }).click();
  await expect(form.getByRole('status')).toHaveText(`Saved ${name}.`);
}

/** A second member joins the demo project through an invite link, in a browser context of their own. */
async function joinAs(role: 'viewer' | 'editor', owner: Page, browser: Browser, baseURL: string) {
  await owner.goto(inDemo('/settings/members'));
  await owner.getByLabel('Role', { exact: true }).first().selectOption(role);
  await owner.getByRole('button', { name: 'Create invite link' }).click();
  const link = (await owner.getByTestId('invite-link').textContent())!;
  const member = await (await browser.newContext({ baseURL })).newPage();
  await member.goto(link);
  await member.getByLabel('Name').fill(`Scoring ${role}`);
  const email = `score-${role}-${Date.now()}@e2e.test`;
  await member.getByLabel('Email').fill(email);
  await member.getByLabel('Password').fill(`${role}-password-2`);
  await member.getByRole('button', { name: 'Create account and join' }).click();
  await expect(member).toHaveURL(/\/p\/demo\/runs$/);
  return { page: member, email };
}

test('an editor scores the run and the step under the playhead from the configs; a viewer only reads', async ({
  authedPage: page,
  browser,
  baseURL,
}) => {
  // Two configs, two scores, a refused one, a replacement, a second browser: slow on a loaded machine.
  test.setTimeout(180_000);
  await addConfig(page, 'helpfulness', 'numeric', { Min: '0', Max: '5' });
  await addConfig(page, 'tone', 'categorical', { 'Labels (comma-separated)': 'good, ok, rude' });

  // The step under the playhead, with the keyboard: s focuses the form, 1 picks the first label.
  await page.goto(`${chatUrl}?seq=14`);
  await expect(page.getByTestId('replay-position')).toContainText('seq 14');
  const panel = page.getByTestId('score-panel');
  // The shortcuts listen once React has hydrated the page.
  await expect(page.getByTestId('replay')).toHaveAttribute('data-hydrated', 'true');
  await page.keyboard.press('s');
  await expect(panel.getByLabel('Score', { exact: true })).toBeFocused();
  await panel.getByLabel('Score', { exact: true }).selectOption('tone');
  await panel.getByRole('button', { name: 'Step · seq 14' }).click();
  await page.keyboard.press('1');
  await expect(panel.getByRole('button', { name: 'good' })).toHaveAttribute('aria-pressed', 'true');
  await panel.getByLabel('Comment').fill('polite and to the point');
  await page.keyboard.press('Control+Enter');
  const list = page.getByTestId('score-list');
  await expect(list).toContainText('tone');
  await expect(list).toContainText('good');
  await expect(list).toContainText('seq 14');
  await expect(list).toContainText('polite and to the point');
  await expect(page.getByTestId('score-mark')).toHaveCount(1);

  // The whole run; the header shows it.
  await panel.getByLabel('Score', { exact: true }).selectOption('helpfulness');
  await panel.getByRole('button', { name: 'Whole run' }).click();
  await panel.getByLabel('helpfulness value').fill('4');
  await panel.getByRole('button', { name: 'Save score' }).click();
  await expect(page.getByTestId('run-scores')).toContainText('helpfulness: 4');

  // Out of the config's range: refused, nothing changes.
  await panel.getByLabel('helpfulness value').fill('7');
  await panel.getByRole('button', { name: 'Update score' }).click();
  await expect(panel).toContainText('helpfulness must be at most 5');
  await expect(page.getByTestId('run-scores')).toContainText('helpfulness: 4');

  // Scoring again replaces the editor's own score.
  await panel.getByLabel('helpfulness value').fill('5');
  await panel.getByRole('button', { name: 'Update score' }).click();
  await expect(page.getByTestId('run-scores')).toContainText('helpfulness: 5');
  await expect(page.getByTestId('run-scores')).not.toContainText('(2)');
  await expect(list.getByText('helpfulness')).toHaveCount(1);
  await screenshot(page, 'run-scoring');

  // Clicking a step score moves the playhead there.
  await page.goto(chatUrl);
  await list.getByRole('button', { name: 'seq 14' }).click();
  await expect(page).toHaveURL(/seq=14/);

  const { page: viewer } = await joinAs('viewer', page, browser, baseURL!);
  await viewer.goto(chatUrl);
  await expect(viewer.getByTestId('score-list')).toContainText('helpfulness');
  await expect(viewer.getByTestId('run-scores')).toContainText('helpfulness: 5');
  await expect(viewer.getByRole('form', { name: 'Score this run' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: /Remove my/ })).toHaveCount(0);

  // The editor removes their score (joinAs left the owner's page on the members page).
  await page.goto(chatUrl);
  await page.getByRole('button', { name: 'Remove my tone score' }).click();
  await expect(page.getByTestId('score-mark')).toHaveCount(0);
  await expect(list).not.toContainText('tone');
});

test('the history filters, sorts and shows columns by score; the Scores page charts it', async ({
  authedPage: page,
}) => {
  test.setTimeout(120_000);
  // The run scored by the test above (helpfulness 5 by the owner); its config exists.
  await page.goto(inDemo('/settings/scores'));
  const settings = page.getByRole('form', { name: 'Score settings' });
  await settings.getByLabel(/Score columns/).fill('helpfulness');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('status')).toHaveText('Saved.');

  await page.goto(inDemo('/runs'));
  await page.getByLabel('Score filter', { exact: true }).fill('helpfulness >= 5');
  await page.getByRole('button', { name: 'Add score filter' }).click();
  await expect(page.getByTestId('score-chip')).toHaveText(/score helpfulness >= 5/);
  await expect(page).toHaveURL(/score=helpfulness/);
  const table = page.getByTestId('runs-table');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table).toContainText('Fixture: weather in Lisbon');
  await expect(table.locator('td[data-score="helpfulness"]')).toHaveText('5');

  await page.getByRole('button', { name: /Remove score filter/ }).click();
  await expect(page.getByTestId('score-chip')).toHaveCount(0);
  await page.getByLabel('Score filter', { exact: true }).fill('!helpfulness');
  await page.getByRole('button', { name: 'Add score filter' }).click();
  await expect(page.getByTestId('score-chip')).toHaveText(/no score helpfulness/);
  await expect(table).not.toContainText('Fixture: weather in Lisbon');

  await page.getByRole('button', { name: /Remove score filter/ }).click();
  await expect(page.getByTestId('score-chip')).toHaveCount(0);
  await page.getByLabel('Sort').selectOption('score.helpfulness');
  await expect(page).toHaveURL(/sort=score.helpfulness/);
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await screenshot(page, 'runs-by-score');

  await page.goto(inDemo('/scores'));
  await expect(page.getByTestId('trend-helpfulness')).toBeVisible();
  await expect(page.getByText(/numeric · 1 scores in the last 30d/)).toBeVisible();
  await screenshot(page, 'scores-trend');
});

test('an editor makes a review queue from the history filter and works through it', async ({
  authedPage: page,
}) => {
  test.setTimeout(120_000);
  await page.goto(inDemo('/runs?kind=chat'));
  await page.getByRole('link', { name: 'Review these runs' }).click();
  const form = page.getByRole('form', { name: 'New annotation queue' });
  await expect(form.getByLabel(/History filter/)).toHaveValue('kind=chat');
  await form.getByLabel('Name').fill('e2e chats');
  await form.getByLabel(/At most/).fill('1');
  await form.getByRole('button', { name: 'Make queue' }).click();
  await expect(form.getByRole('status')).toHaveText('Made e2e chats.');

  await page.getByTestId('queues-table').getByRole('link', { name: 'e2e chats' }).click();
  await expect(page.getByTestId('queue-progress')).toContainText('0 reviewed, 0 skipped of 1');
  await page.getByRole('button', { name: 'Review next' }).click();
  // The run opens with the queue bar over its scoring panel.
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]+\?queue=.+&item=/);
  const bar = page.getByTestId('queue-bar');
  await expect(bar).toContainText('Reviewing for e2e chats · 1 left');
  await expect(page.getByTestId('score-panel')).toBeVisible();
  await bar.getByRole('button', { name: 'Complete and next' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Nothing left' })).toBeVisible();
  await expect(page.getByTestId('queue-progress')).toContainText('1 reviewed, 0 skipped of 1');
  await screenshot(page, 'review-queue');
});

test('two reviewers work through one queue at once: each gets a different run, progress per reviewer', async ({
  authedPage: owner,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const { page: editor, email } = await joinAs('editor', owner, browser, baseURL!);
  // The two fixture runs of one user: a queue of exactly two.
  const name = `e2e pair ${Date.now().toString(36)}`;
  await owner.goto(inDemo('/review'));
  const form = owner.getByRole('form', { name: 'New annotation queue' });
  await form.getByLabel(/History filter/).fill('user=fixture-user');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel(/At most/).fill('2');
  await form.getByRole('button', { name: 'Make queue' }).click();
  await expect(form.getByRole('status')).toHaveText(`Made ${name}.`);
  await owner.getByTestId('queues-table').getByRole('link', { name }).click();
  await expect(owner).toHaveURL(/\/review\/[0-9a-f-]{36}$/);
  const queueUrl = owner.url();
  await editor.goto(queueUrl);
  for (const p of [owner, editor])
    await expect(p.getByTestId('queue-progress')).toContainText('0 reviewed, 0 skipped of 2');

  // Both ask at the same moment: two leases, two different runs.
  const opened = /\/runs\/([0-9a-f-]+)\?queue=.+&item=/;
  await Promise.all([owner, editor].map((p) => p.getByRole('button', { name: 'Review next' }).click()));
  await Promise.all([expect(owner).toHaveURL(opened), expect(editor).toHaveURL(opened)]);
  const runOf = (p: Page) => opened.exec(p.url())![1];
  expect(runOf(owner)).not.toBe(runOf(editor));
  for (const p of [owner, editor])
    await expect(p.getByTestId('queue-bar')).toContainText(`Reviewing for ${name}`);

  // The owner completes theirs, the editor skips: the other's run is not offered, so both are done.
  await owner.getByTestId('queue-bar').getByRole('button', { name: 'Complete and next' }).click();
  await editor.getByTestId('queue-bar').getByRole('button', { name: 'Skip' }).click();
  for (const p of [owner, editor])
    await expect(p.getByRole('status').filter({ hasText: 'Nothing left' })).toBeVisible();

  await owner.goto(queueUrl);
  await expect(owner.getByTestId('queue-progress')).toContainText('1 reviewed, 1 skipped of 2');
  await expect(owner.getByRole('button', { name: 'Review next' })).toHaveCount(0);
  await expect(owner.getByRole('row', { name: /owner@e2e\.test/ }).getByRole('cell')).toHaveText([
    'owner@e2e.test',
    '1',
    '0',
  ]);
  await expect(owner.getByRole('row', { name: email }).getByRole('cell')).toHaveText([email, '0', '1']);
  await editor.context().close();
});

test('a queue assigned to an editor: only they review; the owner sees it read-only, then opens it to all', async ({
  authedPage: owner,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const { page: editor, email } = await joinAs('editor', owner, browser, baseURL!);
  const name = `e2e assigned ${Date.now().toString(36)}`;
  await owner.goto(inDemo('/review'));
  const form = owner.getByRole('form', { name: 'New annotation queue' });
  await form.getByLabel(/History filter/).fill('user=fixture-user');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel(/At most/).fill('2');
  await form.getByTestId('assignee-picker').getByLabel(email).check();
  await form.getByRole('button', { name: 'Make queue' }).click();
  await expect(form.getByRole('status')).toHaveText(`Made ${name}.`);
  await expect(owner.getByTestId('queues-table').getByRole('row', { name })).toContainText(email);
  await owner.getByTestId('queues-table').getByRole('link', { name }).click();
  await expect(owner).toHaveURL(/\/review\/[0-9a-f-]{36}$/);
  const queueUrl = owner.url();

  // The owner follows it read-only; the assigned editor reviews.
  await expect(owner.getByTestId('queue-assignees')).toContainText(`Assigned to Scoring editor (${email})`);
  await expect(owner.getByTestId('queue-assignees')).toContainText('only its assignees review it');
  await expect(owner.getByRole('button', { name: 'Review next' })).toHaveCount(0);
  await editor.goto(queueUrl);
  await editor.getByRole('button', { name: 'Review next' }).click();
  await expect(editor.getByTestId('queue-bar')).toContainText(`Reviewing for ${name}`);

  // Opened to every editor and owner again: the owner may review too.
  const assignees = owner.getByRole('form', { name: 'Queue assignees' });
  await assignees.getByLabel(email).uncheck();
  await assignees.getByRole('button', { name: 'Save assignees' }).click();
  await expect(assignees.getByRole('status')).toHaveText('Saved.');
  await owner.reload();
  await expect(owner.getByTestId('queue-assignees')).toHaveText('Reviewed by every editor and owner.');
  await owner.getByRole('button', { name: 'Review next' }).click();
  await expect(owner.getByTestId('queue-bar')).toContainText(`Reviewing for ${name}`);
  await editor.context().close();
});
