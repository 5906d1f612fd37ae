import { type Browser, expect, type Page } from '@playwright/test';
import { projectPath } from '@/lib/project-path';
import { FIXTURES, inDemo, screenshot, test } from './helpers';

const VIEWER_PASSWORD = 'viewer-password-1';

async function inviteLink(page: Page, role: string): Promise<string> {
  await page.goto(inDemo('/settings/members'));
  await page.getByLabel('Role', { exact: true }).first().selectOption(role);
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const link = page.getByTestId('invite-link');
  await expect(link).toHaveText(/\/invite\/[A-Za-z0-9_-]{40,}$/);
  return (await link.textContent())!;
}

async function newPage(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

test('the owner invites a viewer, who reads but cannot edit, and is signed out when removed', async ({
  authedPage: owner,
  browser,
  baseURL,
}) => {
  const link = await inviteLink(owner, 'viewer');
  const email = `viewer-${Date.now()}@e2e.test`;

  const viewer = await newPage(browser, baseURL!);
  await viewer.goto(link);
  await expect(viewer.getByRole('heading', { name: /as viewer/ })).toBeVisible();
  await viewer.getByLabel('Name').fill('Vera Viewer');
  await viewer.getByLabel('Email').fill(email);
  await viewer.getByLabel('Password').fill(VIEWER_PASSWORD);
  await viewer.getByRole('button', { name: 'Create account and join' }).click();
  await expect(viewer).toHaveURL(/\/p\/demo\/runs$/);
  await expect(viewer.getByTestId('runs-table')).toBeVisible();
  await expect(viewer.getByTestId('account-link')).toContainText('viewer');

  // The link was for one person.
  const stranger = await newPage(browser, baseURL!);
  await stranger.goto(link);
  await expect(stranger.getByText('This invite link is not valid')).toBeVisible();

  // Runs and replays are readable.
  await viewer.goto(inDemo(`/runs/${FIXTURES.chat}`));
  await expect(viewer.getByTestId('user-message')).toHaveText('What is the weather in Lisbon?');

  // The quota editor is read-only, and a forged submit (controls re-enabled by hand) is refused.
  await viewer.goto(inDemo('/usage'));
  await expect(viewer.getByText('Read-only: viewers cannot change quotas.')).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Add quota' })).toBeDisabled();
  await viewer.getByTestId('quota-editor-fieldset').evaluate((el) => el.removeAttribute('disabled'));
  await viewer.locator('#quota-metric').fill('forged-metric');
  await viewer.locator('#quota-limit').fill('1');
  await viewer.getByRole('button', { name: 'Add quota' }).click();
  await expect(viewer.getByRole('alert').filter({ hasText: 'needs the editor role' })).toBeVisible();
  await screenshot(viewer, 'viewer-quota-refused');
  // Members and the audit log are not the viewer's.
  await viewer.goto(inDemo('/settings/members'));
  await expect(viewer.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(viewer.getByTestId('members-table')).toHaveCount(0);

  // The owner removes the viewer: the viewer's open tab is signed out on its next navigation.
  await owner.goto(inDemo('/settings/members'));
  await owner.getByRole('button', { name: `Remove ${email}` }).click();
  await expect(owner.locator(`[data-email="${email}"]`)).toHaveCount(0);
  await viewer.goto(inDemo('/runs'));
  await expect(viewer).toHaveURL(/\/login/);

  // The owner's audit log shows what happened.
  await owner.goto(inDemo('/settings/audit'));
  await expect(owner.locator('[data-action="member.removed"]').first()).toContainText(email);
  await expect(owner.locator('[data-action="member.joined"]').first()).toContainText(email);
});

test('a /runs/<id> link of project B opens that run while the last project viewed was A; the switcher keeps the page', async ({
  authedPage: page,
  request,
}) => {
  const slug = `team-b-${Date.now().toString(36)}`;
  await page.goto('/settings/projects');
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(new RegExp(`${projectPath(slug, 'runs')}$`));
  await page.goto(projectPath(slug, 'settings', 'keys'));
  await page.getByLabel('Name').fill('b-key');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('plain-key').textContent())!;
  const created = await request.post('/api/v1/runs', {
    headers: { authorization: `Bearer ${key}` },
    data: { name: 'Run of project B' },
  });
  expect(created.status()).toBe(201);
  const runId = (await created.json()).run.id as string;

  // Switch to the demo project (A): the same page there. Then follow B's old-style link.
  await page.getByLabel('Project', { exact: true }).selectOption({ label: 'Demo project' });
  await expect(page).toHaveURL(new RegExp(`${inDemo('/settings/keys')}$`));
  // An old path lands in the project viewed last (A); B's run link, in B.
  await page.goto('/usage');
  await expect(page).toHaveURL(new RegExp(`${inDemo('/usage')}$`));
  await page.goto(`/runs/${runId}`);
  await expect(page).toHaveURL(new RegExp(`${projectPath(slug, 'runs', runId)}$`));
  await expect(page.getByText('Run of project B').first()).toBeVisible();
});
