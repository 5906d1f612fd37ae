/** The p-th percentile (0–100) of `xs`, nearest rank; `xs` is not modified. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]): number => pct(xs, 50);
