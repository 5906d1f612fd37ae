import Link from 'next/link';
import { Badge, type Tone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { formatDuration, prettyJson } from '@/lib/format';
import type { compareDatasetRuns, ItemChange } from '@/server/compare';
import type { ScorerComparison } from '@/server/scores';
import { ItemScoreCell } from './scorer-compare';

type Comparison = Awaited<ReturnType<typeof compareDatasetRuns>>;

export const labels: Record<ItemChange, { text: string; tone: Tone }> = {
  regressed: { text: 'regressed', tone: 'red' },
  fixed: { text: 'fixed', tone: 'green' },
  both_pass: { text: 'both pass', tone: 'gray' },
  both_fail: { text: 'both fail', tone: 'amber' },
  only_a: { text: 'only in A', tone: 'violet' },
  only_b: { text: 'only in B', tone: 'violet' },
};

function Cell({ value }: { value: unknown }) {
  const text = value === null || value === undefined ? '—' : prettyJson(value);
  return (
    <Td className="max-w-64 align-top">
      <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">{text}</pre>
    </Td>
  );
}

/** An item's input in a line, for naming it (its id is in the title). */
export function inputSnippet(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The items of two dataset runs side by side: both outputs, the ground truth, the latency delta. */
export function ItemCompareTable({
  items,
  scorers = [],
  base,
}: {
  items: Comparison['items'];
  scorers?: ScorerComparison[];
  /** The comparison's address: an item links to `base&item=<id>`, its two results side by side. */
  base: string;
}) {
  return (
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
            {scorers.map((c) => (
              <Th key={c.name}>{c.name}</Th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.itemId} data-change={i.change}>
              <Td className="max-w-56 align-top text-xs" title={i.itemId}>
                <Link
                  href={`${base}&item=${encodeURIComponent(i.itemId)}`}
                  className="block truncate font-medium hover:underline"
                  aria-label={`Open item ${i.itemId} side by side`}
                >
                  {inputSnippet(i.b?.input ?? i.a?.input) || i.itemId}
                </Link>
                <span className="block truncate font-mono text-[11px] text-zinc-400">{i.itemId}</span>
              </Td>
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
              {scorers.map((c) => (
                <ItemScoreCell key={c.name} c={c} itemId={i.itemId} />
              ))}
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
