import { describe, expect, it } from 'vitest';
import { secondsUntil, windowEnd, windowEndFromStart, windowStart } from '@/lib/windows';

const at = new Date('2026-11-23T06:07:08.009Z');

describe('calendar windows (UTC)', () => {
  it('truncates to the start of each window', () => {
    expect(windowStart('minute', at).toISOString()).toBe('2026-11-23T06:07:00.000Z');
    expect(windowStart('hour', at).toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(windowStart('day', at).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(windowStart('month', at).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('resets at the start of the next window, across month and year ends', () => {
    expect(windowEnd('minute', at).toISOString()).toBe('2026-11-23T06:08:00.000Z');
    expect(windowEnd('hour', at).toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(windowEnd('day', at).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(windowEnd('month', at).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    const nye = new Date('2026-12-31T23:59:59.999Z');
    expect(windowEnd('minute', nye).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(windowEnd('day', nye).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(windowEnd('month', nye).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(windowEnd('month', new Date('2028-02-10T00:00:00Z')).toISOString()).toBe(
      '2028-03-01T00:00:00.000Z',
    );
  });

  it('is stable at a window boundary: the boundary instant belongs to the new window', () => {
    const boundary = new Date('2026-11-24T00:00:00.000Z');
    expect(windowStart('day', boundary).getTime()).toBe(boundary.getTime());
    expect(windowEndFromStart('day', boundary).toISOString()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('counts whole seconds until a reset, rounded up and never negative', () => {
    expect(secondsUntil(new Date('2026-11-23T06:08:00.000Z'), at)).toBe(52);
    expect(secondsUntil(new Date('2026-11-23T06:07:08.010Z'), at)).toBe(1);
    expect(secondsUntil(new Date('2026-11-23T06:00:00.000Z'), at)).toBe(0);
  });
});
