import { expect, test } from '@playwright/test';
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } from '../../playwright.config';
import { inDemo, screenshot, signIn } from './helpers';

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(E2E_ADMIN_EMAIL);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  // The email stays as typed (only the password is to be typed again).
  await expect(page.getByLabel('Email')).toHaveValue(E2E_ADMIN_EMAIL);
  await expect(page.getByLabel('Password')).toHaveValue('');
  await screenshot(page, 'login-refused');
  // Still no access to the dashboard.
  await page.goto(inDemo('/runs'));
  await expect(page).toHaveURL(/\/login\?next=%2Fp%2Fdemo%2Fruns/);
});

test('the home page sends a visitor to sign in, which opens the runs list as the owner; signing out closes it', async ({
  page,
  context,
}) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  // The owner the server created on its first start, from the configured credentials.
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  await expect(page.getByTestId('runs-table')).toBeVisible();
  await expect(page.getByTestId('account-link')).toContainText('owner@e2e.test');
  const cookie = (await context.cookies()).find((c) => c.name === 'rl.session_token');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(inDemo('/settings/keys'));
  await expect(page).toHaveURL(/\/login/);
  // The session row is gone: the copied cookie no longer opens anything.
  await context.addCookies([{ ...cookie!, expires: -1 }]);
  await page.goto(inDemo('/settings/keys'));
  await expect(page).toHaveURL(/\/login/);
});

test('a forged session cookie does not open the dashboard', async ({ page, context }) => {
  await context.addCookies([
    {
      name: 'rl.session_token',
      value: 'forged-token.c2lnbmF0dXJlLWlzLWZha2U',
      url: 'http://127.0.0.1',
    },
  ]);
  await page.goto(inDemo('/runs'));
  await expect(page).toHaveURL(/\/login/);
});

test('after sign-in the next= path is honoured', async ({ page }) => {
  await page.goto(inDemo('/settings/keys'));
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(E2E_ADMIN_EMAIL);
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/p\/demo\/settings\/keys$/);
});

test('?next= that normalises to another host lands on the runs page instead', async ({ page }) => {
  await page.goto('/login?next=%2F%09%2Fevil.example');
  await page.getByLabel('Email').fill(E2E_ADMIN_EMAIL);
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/p\/demo\/runs$/);
});

test('pages carry a nonce CSP and the other security headers', async ({ page }) => {
  const response = await page.goto('/login');
  const headers = response!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).not.toContain('unsafe-eval');
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-content-type-options']).toBe('nosniff');
});
