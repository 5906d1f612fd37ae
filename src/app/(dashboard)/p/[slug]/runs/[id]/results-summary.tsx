import type { Run } from '@/db/schema';

/** Which dataset and target a run evaluated, how many items are done, passed and failed, the pass rate. */
export function ResultsSummary({ run }: { run: Run }) {
  const done = run.succeededCount + run.failedCount;
  const passRate = done > 0 ? (run.succeededCount / done) * 100 : null;
  return (
    <p className="mt-0.5 flex flex-wrap gap-3 text-xs text-zinc-500" data-testid="dataset-summary">
      <span>
        dataset <span className="font-mono">{run.datasetId ?? '—'}</span>
        {run.datasetVersion !== null && ` v${run.datasetVersion}`}
      </span>
      <span>
        target {run.targetType ?? '—'} <span className="font-mono">{run.targetId ?? ''}</span>
      </span>
      <span>
        {done}
        {run.totalItems !== null && ` of ${run.totalItems}`} items
      </span>
      <span className="text-emerald-700">{run.succeededCount} passed</span>
      <span className="text-red-700">{run.failedCount} failed</span>
      <span className="font-medium text-zinc-800">
        pass rate {passRate === null ? '—' : `${passRate.toFixed(1)}%`}
      </span>
    </p>
  );
}
