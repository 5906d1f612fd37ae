import type { ScoreDto } from '@/lib/contract/scores';

/** A score as the run page shows it: with its author's name, and whether the viewer wrote it. */
export type RunScoreView = ScoreDto & { author: string; mine: boolean };

/** A score's value as text: a number, yes/no, or its label. */
export function scoreText(s: Pick<ScoreDto, 'value' | 'label'>): string {
  if (s.label !== null) return s.label;
  if (typeof s.value === 'boolean') return s.value ? 'yes' : 'no';
  return s.value === null ? '—' : String(Math.round(s.value * 1000) / 1000);
}
