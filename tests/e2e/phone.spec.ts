import { expect, FIXTURES, inDemo, test } from './helpers';

/** What sticks out of the window sideways: the page's scroll width and the widest elements past the edge. */
async function overflow(page: import('@playwright/test').Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const past: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      // Elements inside a horizontal scroll box (a wide table) may extend past it: the box is what counts.
      if (r.width === 0 || r.right <= width + 1 || el.closest('[data-scroll-x]')) continue;
      past.push(
        `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(r.right)}`,
      );
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, width, past: past.slice(0, 8) };
  });
}

async function expectFits(page: import('@playwright/test').Page) {
  const o = await overflow(page);
  expect(o.scrollWidth, JSON.stringify(o)).toBeLessThanOrEqual(o.width);
}

test('at 390 px the runs list, a run and /usage fit the phone, the menu and filters open on demand', async ({
  authedPage: page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });

  await page.goto(inDemo('/runs'));
  await expect(page.getByTestId('runs-table').locator('tbody tr').first()).toBeVisible();
  await expectFits(page);
  // The navigation is closed until the menu button opens it; a link in it closes it again.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeHidden();
  await page.getByTestId('menu-button').click();
  await expect(nav).toBeVisible();
  await expectFits(page);
  await page.getByTestId('menu-button').click();
  await expect(nav).toBeHidden();
  // The filters sit behind a button.
  const search = page.getByRole('searchbox', { name: 'Search runs' });
  await expect(search).toBeHidden();
  await page.getByRole('button', { name: 'Filters' }).click();
  await expect(search).toBeVisible();
  await expectFits(page);

  await page.goto(inDemo(`/runs/${FIXTURES.chat}`));
  await expect(page.getByTestId('event-row').first()).toBeVisible();
  await expectFits(page);

  await page.goto(inDemo('/usage'));
  await expect(page.getByTestId('daily-chart-cost').or(page.getByTestId('quota-list')).first()).toBeVisible();
  await expectFits(page);
  await page.getByTestId('menu-button').click();
  await nav.getByRole('link', { name: 'Runs' }).click();
  await expect(page).toHaveURL(/\/runs$/);
  await expect(nav).toBeHidden();
});
