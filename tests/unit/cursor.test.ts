import { expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { sameJson } from '@/server/json';

it('round-trips cursors and rejects foreign ones', () => {
  const c = encodeCursor(['n', '2026-11-23T06:00:00.000Z', 'abc']);
  expect(decodeCursor(c, 3)).toEqual(['n', '2026-11-23T06:00:00.000Z', 'abc']);
  expect(decodeCursor(c, 1)).toBeNull();
  expect(decodeCursor('%%%', 1)).toBeNull();
  expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 1)).toBeNull();
});

it('compares JSON regardless of key order', () => {
  expect(sameJson({ a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 })).toBe(true);
  expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  expect(sameJson([1, 2], [2, 1])).toBe(false);
  expect(sameJson(null, undefined)).toBe(true);
});
