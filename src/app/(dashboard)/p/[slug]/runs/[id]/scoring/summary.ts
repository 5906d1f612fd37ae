import type { ScoreDto } from '@/lib/contract/scores';

export type ScoreSummary = { name: string; text: string; count: number };

/**
 * One line per score name over a run's own scores (not its steps or results): the mean of numbers,
 * the share of yes, or the labels given with their counts.
 */
export function summarizeRunScores(
  scores: Pick<ScoreDto, 'name' | 'value' | 'label' | 'seq' | 'resultId'>[],
) {
  const byName = new Map<string, typeof scores>();
  for (const s of scores) {
    if (s.seq !== null || s.resultId !== null) continue;
    byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  }
  return [...byName].map(([name, list]): ScoreSummary => {
    const count = list.length;
    const first = list[0]!;
    if (first.label !== null) {
      const counts = new Map<string, number>();
      for (const s of list) if (s.label !== null) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
      const text = [...counts].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l)).join(', ');
      return { name, text, count };
    }
    if (typeof first.value === 'boolean') {
      const yes = list.filter((s) => s.value === true).length;
      return {
        name,
        text: count === 1 ? (yes ? 'yes' : 'no') : `${Math.round((yes / count) * 100)}% yes`,
        count,
      };
    }
    const nums = list.map((s) => Number(s.value));
    const mean = nums.reduce((a, b) => a + b, 0) / count;
    return { name, text: String(Math.round(mean * 1000) / 1000), count };
  });
}
