import { mkdirSync } from 'node:fs';
import { type BrowserContext, expect, type Page, test as base } from '@playwright/test';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } from '../../playwright.config';

import { projectPath } from '@/lib/project-path';
import { FIXTURE_PROJECT } from './fixtures/ids';

/** Fixed ids of the runs that `fixtures/dashboard.ts` seeds for these tests. */
export { FIXTURE_IDS as FIXTURES } from './fixtures/ids';

/** A dashboard path in the project of the fixtures: `inDemo('/runs')` is `/p/demo/runs`. */
export const inDemo = (path: string) => `${projectPath(FIXTURE_PROJECT)}${path}`;

/** Signs in (as the owner created on the first start by default) and waits for the runs page. */
export async function signIn(page: Page, password = E2E_ADMIN_PASSWORD, email = E2E_ADMIN_EMAIL) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/p\/[^/]+\/runs/);
}

/** Creates an API key in Settings → API keys and returns the plain key (shown once). */
export async function createApiKeyInUi(page: Page, name: string): Promise<string> {
  await page.goto(inDemo('/settings/keys'));
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  const plain = page.getByTestId('plain-key');
  await expect(plain).toHaveText(/^rl_[A-Za-z0-9_-]{32,}$/);
  return (await plain.textContent())!;
}

export async function screenshot(page: Page, name: string) {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

type SessionCookies = Awaited<ReturnType<BrowserContext['cookies']>>;

/**
 * `authedPage`: a page already signed in as the owner (the session cookies of one sign-in per worker,
 * that is per project's server: signing in for each test cost ~2 s). `dialogs`: every dialog the page
 * opened (dismissed).
 */
export const test = base.extend<{ authedPage: Page; dialogs: string[] }, { ownerCookies: SessionCookies }>({
  ownerCookies: [
    async ({ browser }, use, workerInfo) => {
      const context = await browser.newContext({ baseURL: workerInfo.project.use.baseURL });
      await signIn(await context.newPage());
      const cookies = await context.cookies();
      await context.close();
      await use(cookies);
    },
    { scope: 'worker' },
  ],
  dialogs: async ({ page }, use) => {
    const seen: string[] = [];
    page.on('dialog', async (d) => {
      seen.push(`${d.type()}: ${d.message()}`);
      await d.dismiss();
    });
    await use(seen);
  },
  authedPage: async ({ page, ownerCookies }, use) => {
    await page.context().addCookies(ownerCookies);
    await use(page);
  },
});

export { expect };
