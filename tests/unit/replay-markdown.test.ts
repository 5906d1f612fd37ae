import { describe, expect, it } from 'vitest';
import { stableMarkdown } from '@/app/(dashboard)/p/[slug]/runs/[id]/replay/markdown';

describe('stableMarkdown (streaming Markdown that will not jump)', () => {
  it('holds back a table until its delimiter row is complete', () => {
    expect(stableMarkdown('Totals:\n\n| day | km')).toBe('Totals:\n');
    expect(stableMarkdown('Totals:\n\n| day | km |\n')).toBe('Totals:\n');
    expect(stableMarkdown('Totals:\n\n| day | km |\n|---|--')).toBe('Totals:\n');
    const ready = 'Totals:\n\n| day | km |\n|---|---|\n';
    expect(stableMarkdown(ready)).toBe(ready);
    expect(stableMarkdown(`${ready}| 1 | 4`)).toBe(`${ready}| 1 | 4`);
  });
  it('leaves prose and open code fences as they are', () => {
    expect(stableMarkdown('Hello **wor')).toBe('Hello **wor');
    expect(stableMarkdown('```ts\nconst a = 1;\n')).toBe('```ts\nconst a = 1;\n');
  });
});
