import type { AnnotationProgress } from '@/server/annotation';

/** Reviewed and skipped out of the total, as a bar and in words. */
export function ProgressBar({ progress: p }: { progress: AnnotationProgress }) {
  const pct = (n: number) => (p.total === 0 ? 0 : (n / p.total) * 100);
  return (
    <div className="min-w-48" data-testid="queue-progress">
      <div className="flex h-2 overflow-hidden rounded bg-zinc-100">
        <div className="bg-emerald-500" style={{ width: `${pct(p.done)}%` }} />
        <div className="bg-zinc-400" style={{ width: `${pct(p.skipped)}%` }} />
      </div>
      <div className="mt-1 text-xs text-zinc-600">
        {p.done} reviewed, {p.skipped} skipped of {p.total}
        {p.inReview > 0 ? ` · ${p.inReview} in review` : ''}
      </div>
    </div>
  );
}
