import { expect, test } from '@playwright/test';
import { screenshot, signIn } from './helpers';

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Admin password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /wrong password/i })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await screenshot(page, 'login-refused');
  // Still no access to the dashboard.
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/login\?next=%2Fruns/);
});

test('signing in opens the dashboard; signing out closes it', async ({ page, context }) => {
  await signIn(page);
  const cookie = (await context.cookies()).find((c) => c.name === 'rl_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/settings/keys');
  await expect(page).toHaveURL(/\/login/);
});

test('a forged session cookie does not open the dashboard', async ({ page, context }) => {
  await context.addCookies([
    {
      name: 'rl_session',
      value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLWlzLWZha2U',
      url: 'http://127.0.0.1',
    },
  ]);
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/login/);
});

test('after sign-in the next= path is honoured', async ({ page }) => {
  await page.goto('/settings/keys');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Admin password').fill('e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/keys$/);
});
