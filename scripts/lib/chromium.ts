import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

// Debian's chromium in CI and sandboxes; Playwright's own browser on a machine without it.
const systemChromium = '/usr/bin/chromium';

/** How the browser tests and the browser benchmarks launch Chromium (one place for both). */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: existsSync(systemChromium) ? systemChromium : undefined,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
