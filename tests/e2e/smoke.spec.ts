import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('the home page sends a visitor to sign in, then to the runs list', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  await expect(page.getByTestId('runs-table')).toBeVisible();
});
