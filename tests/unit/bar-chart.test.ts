import { describe, expect, it } from 'vitest';
import { niceTicks } from '@/components/ui/bar-chart';

describe('niceTicks', () => {
  it('covers the maximum from 0 in steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(101)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.0032)).toEqual([0, 0.001, 0.002, 0.003, 0.004]);
    expect(niceTicks(0)).toEqual([0]);
  });
});
