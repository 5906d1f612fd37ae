import { describe, expect, it } from 'vitest';
import { barState, formatAmount, formatResetsIn } from '@/app/(dashboard)/p/[slug]/usage/format';

describe('usage page formatting', () => {
  it('colors a bar amber from 80 % and red from 100 % of the limit', () => {
    expect(barState(79, 100).state).toBe('ok');
    expect(barState(80, 100).state).toBe('warning');
    expect(barState(99, 100).state).toBe('warning');
    expect(barState(100, 100).state).toBe('exceeded');
    expect(barState(150, 100)).toEqual({ percent: 150, state: 'exceeded' });
    expect(barState(0, 0).state).toBe('exceeded');
  });

  it('says when a window resets', () => {
    const now = new Date('2026-11-23T10:15:30.000Z');
    expect(formatResetsIn('2026-11-23T10:16:00.000Z', now)).toBe('30s');
    expect(formatResetsIn('2026-11-23T11:00:00.000Z', now)).toBe('44m 30s');
    expect(formatResetsIn('2026-11-24T00:00:00.000Z', now)).toBe('13h 44m');
    expect(formatResetsIn('2026-12-01T00:00:00.000Z', now)).toBe('7d 13h');
    expect(formatResetsIn('2026-11-23T10:00:00.000Z', now)).toBe('0s');
  });

  it('formats amounts per metric', () => {
    expect(formatAmount('cost_micros', 1_800_000)).toBe('$1.80');
    expect(formatAmount('cost_micros', 2_600)).toBe('$0.0026');
    expect(formatAmount('tokens', 43_600)).toBe('43.6k');
    expect(formatAmount('tokens', 2_000_000)).toBe('2M');
    expect(formatAmount('requests', 1000)).toBe('1,000');
  });
});
