import { describe, expect, it } from 'vitest';
import { stableMarkdown } from '@/features/replay/components/markdown';
import { rehypeHighlightCode } from '@/features/replay/components/code-syntax';

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

describe('rehypeHighlightCode (code blocks highlighted with the shared lowlight)', () => {
  const block = (lang: string, text: string) => ({
    type: 'root',
    children: [
      {
        type: 'element',
        tagName: 'pre',
        children: [
          {
            type: 'element',
            tagName: 'code',
            properties: { className: [`language-${lang}`] },
            children: [{ type: 'text', value: text }],
          },
        ],
      },
    ],
  });
  const codeOf = (tree: ReturnType<typeof block>) => tree.children[0]!.children[0]!;

  it('turns a known language into hljs spans, keeping the text', () => {
    const tree = block('ts', 'const a = 1;');
    rehypeHighlightCode()(tree);
    const code = codeOf(tree) as unknown as { properties: { className: string[] }; children: unknown[] };
    expect(code.properties.className).toEqual(['hljs', 'language-ts']);
    expect(JSON.stringify(code.children)).toContain('hljs-keyword');
    expect(JSON.stringify(code.children)).toContain('const');
  });
  it('leaves an unknown language and inline code alone', () => {
    const tree = block('cobol', 'DISPLAY "HI".');
    rehypeHighlightCode()(tree);
    expect(codeOf(tree).children).toEqual([{ type: 'text', value: 'DISPLAY "HI".' }]);
  });
});
