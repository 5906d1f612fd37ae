import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { formatDuration, prettyJson } from '@/lib/format';
import type { ItemSide } from '@/server/compare';

export type ScoreLine = {
  id: string;
  name: string;
  text: string;
  comment: string | null;
  author: string;
};

/** One run's result of the item: outcome, latency, retries, output or error, and its scores. */
export function ItemSideCard({
  label,
  runName,
  side,
  scores,
}: {
  label: 'A' | 'B';
  runName: string;
  side: ItemSide;
  scores: ScoreLine[];
}) {
  const r = side.result;
  return (
    <Card data-testid={`item-side-${label.toLowerCase()}`}>
      <CardHeader title={`${label} · ${runName}`} />
      {r ? (
        <div className="flex flex-col gap-3 px-4 py-3 text-sm">
          <div className="flex flex-wrap items-center gap-3">
            <Badge tone={r.error === null ? 'green' : 'red'}>{r.error === null ? 'passed' : 'failed'}</Badge>
            <span className="tabular-nums text-zinc-600">{formatDuration(r.latencyMs)}</span>
            {r.retryCount > 0 && <span className="text-zinc-600">{r.retryCount} retries</span>}
          </div>
          <div>
            <h3 className="text-xs font-semibold text-zinc-500">{r.error === null ? 'Output' : 'Error'}</h3>
            <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">
              {prettyJson(r.error ?? r.output)}
            </pre>
          </div>
          <div>
            <h3 className="text-xs font-semibold text-zinc-500">Scores</h3>
            {scores.length === 0 ? (
              <p className="text-zinc-500">No scores.</p>
            ) : (
              <ul className="flex flex-col gap-1" data-testid="item-scores">
                {scores.map((s) => (
                  <li key={s.id} data-score={s.name}>
                    <span className="font-medium">{s.name}</span>{' '}
                    <span className="tabular-nums">{s.text}</span>{' '}
                    <span className="text-xs text-zinc-500">by {s.author}</span>
                    {s.comment && <span className="block text-xs text-zinc-600">{s.comment}</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      ) : (
        <p className="px-4 py-3 text-sm text-zinc-500">This run has no result for the item.</p>
      )}
    </Card>
  );
}
