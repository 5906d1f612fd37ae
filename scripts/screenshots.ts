/**
 * The README's screenshots, made from the built app: `npm run build && npm run screenshots`.
 * Starts the standalone server on a fresh PGlite folder with the demo project, signs in in Chromium
 * (a 1400 × 860 window) and writes docs/images/{runs,replay,usage}.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { startBuiltApp } from './lib/built-app';
import { chromiumLaunchOptions } from './lib/chromium';

const OUT = 'docs/images';
const email = 'admin@runledger.local';
const password = 'screenshots-password';

async function shoot(page: Page, name: string) {
  // The live dot pulses and the relative times move: wait for the page to settle first.
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`wrote ${OUT}/${name}.png`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'runledger-screenshots-'));
const app = await startBuiltApp({
  purpose: 'The screenshots',
  env: {
    DATABASE_URL: '',
    RUNLEDGER_DATA_DIR: path.join(dir, 'pglite'),
    RUNLEDGER_SEED_DEMO: '1',
    RUNLEDGER_ADMIN_PASSWORD: password,
  },
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, baseURL: app.baseUrl });
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/p\/demo\/runs/);
  await page.getByTestId('runs-table').waitFor();
  await shoot(page, 'runs');

  // A finished chat run with a tool call.
  await page.goto('/p/demo/runs?status=succeeded&kind=chat&q=weather');
  const link = page.getByTestId('runs-table').locator('tbody tr a').first();
  await link.click();
  await page.waitForURL(/\/p\/demo\/runs\/[0-9a-f-]{36}/);
  // Stepped to its last event (→, as a reader would): the whole conversation on screen.
  const atEnd = () => page.evaluate(() => /event (\d+)\/\1\b/.test(document.body.textContent ?? ''));
  for (let i = 0; i < 500 && !(await atEnd()); i++) await page.keyboard.press('ArrowRight');
  await shoot(page, 'replay');

  await page.goto('/p/demo/usage');
  await page.locator('svg.recharts-surface').first().waitFor();
  await shoot(page, 'usage');
} finally {
  await browser.close();
  await app.stop();
}
