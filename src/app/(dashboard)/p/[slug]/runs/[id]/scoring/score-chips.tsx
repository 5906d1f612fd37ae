import { Badge } from '@/components/ui/badge';
import type { ScoreDto } from '@/lib/contract/scores';
import { summarizeRunScores } from './summary';

/** The run's own scores in its header, one chip per name (a mean when several people scored it). */
export function ScoreChips({ scores }: { scores: ScoreDto[] }) {
  const summary = summarizeRunScores(scores);
  if (summary.length === 0) return null;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-1.5" data-testid="run-scores">
      <span className="text-[11px] font-medium uppercase tracking-wide text-zinc-400">Scores</span>
      {summary.map((s) => (
        <Badge key={s.name} tone="amber">
          {s.name}: {s.text}
          {s.count > 1 && <span className="ml-1 text-amber-600">({s.count})</span>}
        </Badge>
      ))}
    </div>
  );
}
