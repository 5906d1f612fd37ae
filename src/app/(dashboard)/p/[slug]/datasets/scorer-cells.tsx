import type { ScorerSummary } from '@/server/scores';

/** A scorer's figure over a dataset run: the pass rate of a yes/no, the mean of a number. */
export function scorerFigure(s: Pick<ScorerSummary, 'mean' | 'passRate'>): string {
  if (s.passRate !== null) return `${(s.passRate * 100).toFixed(1)}%`;
  if (s.mean !== null) return String(Math.round(s.mean * 1000) / 1000);
  return '—';
}

/** The scorers of a dataset run beside it: `correct 66.7% · quality 0.53`. */
export function ScorerCells({ scorers }: { scorers: ScorerSummary[] | undefined }) {
  if (!scorers?.length) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs" data-testid="scorers">
      {scorers.map((s) => (
        <span key={s.name} title={`${s.count} scores`}>
          <span className="text-zinc-500">{s.name}</span>{' '}
          <span className="font-medium tabular-nums">{scorerFigure(s)}</span>
        </span>
      ))}
    </span>
  );
}
