import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

it('the README is for users: at most 300 lines, no history of sessions or issues', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  expect(readme).not.toMatch(/\b(session|issue) \d+\b/i);
});

it('the README shows the screenshots the screenshot script makes', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\((docs\/images\/[^)]+\.png)\)/g)].map((m) => m[1]!);
  expect(images.length).toBeGreaterThanOrEqual(3);
  for (const image of images) expect(existsSync(path.join(root, image)), image).toBe(true);
});
