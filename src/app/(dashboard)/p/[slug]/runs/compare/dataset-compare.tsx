import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { projectPath } from '@/lib/project-path';
import type { compareDatasetRuns, ItemChange } from '@/server/compare';
import { itemChanges } from '@/server/compare/changes';
import type { ScorerComparison } from '@/server/scores';
import { ItemCompareTable, labels } from './item-compare-table';
import { ScorerCompare } from './scorer-compare';

type Comparison = Awaited<ReturnType<typeof compareDatasetRuns>>;

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Two dataset runs item by item: pass rates with their delta, counts per change, a filter by change. */
export function DatasetCompare({
  slug,
  cmp,
  scorers = [],
  change,
  base,
}: {
  slug: string;
  cmp: Comparison;
  /** The two runs per scorer, item by item. */
  scorers?: ScorerComparison[];
  change: ItemChange | null;
  base: string;
}) {
  const items = change ? cmp.items.filter((i) => i.change === change) : cmp.items;
  const delta = cmp.passRateDelta;
  return (
    <div className="flex flex-col gap-4">
      <Card>
        <div className="flex flex-wrap items-center gap-6 px-4 py-3 text-sm" data-testid="pass-rates">
          <span>
            A{' '}
            <Link href={projectPath(slug, 'runs', cmp.a.id)} className="font-medium hover:underline">
              {cmp.a.name}
            </Link>
            : {pct(cmp.passRateA)}
          </span>
          <span>
            B{' '}
            <Link href={projectPath(slug, 'runs', cmp.b.id)} className="font-medium hover:underline">
              {cmp.b.name}
            </Link>
            : {pct(cmp.passRateB)}
          </span>
          <span
            className={
              delta === null || delta === 0
                ? 'text-zinc-600'
                : delta > 0
                  ? 'text-emerald-700'
                  : 'text-red-700'
            }
            data-testid="pass-rate-delta"
          >
            pass rate Δ {delta === null ? '—' : `${delta > 0 ? '+' : ''}${(delta * 100).toFixed(1)} pts`}
          </span>
        </div>
      </Card>
      <ScorerCompare scorers={scorers} />
      <nav className="flex flex-wrap gap-2 text-sm" aria-label="Filter by change">
        <Link href={base} className={change ? 'text-zinc-500 hover:underline' : 'font-semibold'}>
          all ({cmp.items.length})
        </Link>
        {itemChanges.map((c) => (
          <Link
            key={c}
            href={`${base}&change=${c}`}
            className={change === c ? 'font-semibold' : 'text-zinc-500 hover:underline'}
          >
            {labels[c].text} ({cmp.counts[c]})
          </Link>
        ))}
      </nav>
      <ItemCompareTable items={items} scorers={scorers} base={base} />
    </div>
  );
}
