import { expect, inDemo, test } from './helpers';

/** How the runs table sits in the window: its scroll box, and the right edge of its last column. */
async function tableFit(page: import('@playwright/test').Page) {
  return page.getByTestId('runs-table').evaluate((table) => {
    const box = table.parentElement!;
    const lastHeader = table.querySelector('thead th:last-child')!;
    return {
      tableWidth: box.scrollWidth,
      boxWidth: box.clientWidth,
      lastColumnRight: Math.round(lastHeader.getBoundingClientRect().right),
      lastColumn: lastHeader.textContent,
      windowWidth: window.innerWidth,
      pageWidth: document.documentElement.scrollWidth,
    };
  });
}

for (const query of ['', '?q=Plan']) {
  test(`the runs table fits a 1400 px window, the tags column included${query ? ' (with a search)' : ''}`, async ({
    authedPage: page,
  }) => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(inDemo(`/runs${query}`));
    await expect(page.getByTestId('runs-table').locator('tbody tr').first()).toBeVisible();
    const fit = await tableFit(page);
    expect(fit.lastColumn).toBe('Tags');
    expect(fit.tableWidth, JSON.stringify(fit)).toBeLessThanOrEqual(fit.boxWidth);
    expect(fit.lastColumnRight, JSON.stringify(fit)).toBeLessThanOrEqual(fit.windowWidth);
    expect(fit.pageWidth, JSON.stringify(fit)).toBeLessThanOrEqual(fit.windowWidth);
  });
}
