import { expect, it } from 'vitest';
import { highlightParts, searchWords, snippet } from '@/lib/search-highlight';

it('splits a search into words like the simple parser and marks them case-insensitively', () => {
  expect(searchWords('Rate-limit  exceeded!')).toEqual(['rate', 'limit', 'exceeded']);
  expect(highlightParts('Rate limit: RATE', ['rate'])).toEqual([
    { text: 'Rate', match: true },
    { text: ' limit: ', match: false },
    { text: 'RATE', match: true },
  ]);
  // Regex characters in a word are literal.
  expect(highlightParts('a.b axb', ['a.b'])).toEqual([
    { text: 'a.b', match: true },
    { text: ' axb', match: false },
  ]);
  expect(highlightParts('nothing', [])).toEqual([{ text: 'nothing', match: false }]);
});

it('cuts a long text around the first matching word', () => {
  const text = `${'x '.repeat(200)}needle ${'y '.repeat(200)}`;
  const s = snippet(text, 'needle', 60);
  expect(s).toContain('needle');
  expect(s.startsWith('…')).toBe(true);
  expect(s.endsWith('…')).toBe(true);
  expect(snippet('short text', 'text')).toBe('short text');
});
