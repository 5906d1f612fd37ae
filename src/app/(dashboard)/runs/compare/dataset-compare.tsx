import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { formatDuration, prettyJson } from '@/lib/format';
import type { compareDatasetRuns, ItemChange } from '@/server/compare';
import { itemChanges } from '@/server/compare/changes';

type Comparison = Awaited<ReturnType<typeof compareDatasetRuns>>;

const labels: Record<ItemChange, { text: string; tone: Tone }> = {
  regressed: { text: 'regressed', tone: 'red' },
  fixed: { text: 'fixed', tone: 'green' },
  both_pass: { text: 'both pass', tone: 'gray' },
  both_fail: { text: 'both fail', tone: 'amber' },
  only_a: { text: 'only in A', tone: 'violet' },
  only_b: { text: 'only in B', tone: 'violet' },
};

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

function Cell({ value }: { value: unknown }) {
  const text = value === null || value === undefined ? '—' : prettyJson(value);
  return (
    <Td className="max-w-64 align-top">
      <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">{text}</pre>
    </Td>
  );
}

/** Two dataset runs item by item: pass rates with their delta, counts per change, a filter by change. */
export function DatasetCompare({
  cmp,
  change,
  base,
}: {
  cmp: Comparison;
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
            <Link href={`/runs/${cmp.a.id}`} className="font-medium hover:underline">
              {cmp.a.name}
            </Link>
            : {pct(cmp.passRateA)}
          </span>
          <span>
            B{' '}
            <Link href={`/runs/${cmp.b.id}`} className="font-medium hover:underline">
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
      <Card>
        <CardHeader title={`${items.length} items`} />
        <Table data-testid="item-compare">
          <thead>
            <tr>
              <Th>Item</Th>
              <Th>Change</Th>
              <Th>Output A</Th>
              <Th>Output B</Th>
              <Th>Ground truth</Th>
              <Th className="text-right">Latency Δ</Th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.itemId} data-change={i.change}>
                <Td className="align-top font-mono text-xs">{i.itemId}</Td>
                <Td className="align-top">
                  <Badge tone={labels[i.change].tone}>{labels[i.change].text}</Badge>
                </Td>
                <Cell value={i.a ? (i.a.error ?? i.a.output) : null} />
                <Cell value={i.b ? (i.b.error ?? i.b.output) : null} />
                <Cell value={i.groundTruth} />
                <Td className="text-right align-top tabular-nums">
                  {i.latencyDeltaMs === null
                    ? '—'
                    : `${i.latencyDeltaMs > 0 ? '+' : i.latencyDeltaMs < 0 ? '−' : '±'}${formatDuration(Math.abs(i.latencyDeltaMs))}`}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
