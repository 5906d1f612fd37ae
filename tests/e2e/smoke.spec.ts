import { expect, test } from '@playwright/test';

test('the home page lists the demo project runs', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('Hello from the demo project')).toBeVisible();
});
