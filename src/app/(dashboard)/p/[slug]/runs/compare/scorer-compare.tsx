import { Card, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import type { ScorerComparison } from '@/server/scores';

const figure = (c: ScorerComparison, v: number | null) =>
  v === null
    ? '—'
    : c.dataType === 'boolean'
      ? `${(v * 100).toFixed(1)}%`
      : String(Math.round(v * 1000) / 1000);

/** Two dataset runs per scorer: the mean (or pass rate) in each, and how many items improved or regressed. */
export function ScorerCompare({ scorers }: { scorers: ScorerComparison[] }) {
  if (scorers.length === 0) return null;
  return (
    <Card>
      <CardHeader title="Scorers" />
      <Table data-testid="scorer-compare">
        <thead>
          <tr>
            <Th>Scorer</Th>
            <Th className="text-right">A</Th>
            <Th className="text-right">B</Th>
            <Th className="text-right">Improved</Th>
            <Th className="text-right">Regressed</Th>
            <Th className="text-right">Unchanged</Th>
          </tr>
        </thead>
        <tbody>
          {scorers.map((c) => (
            <tr key={c.name} data-scorer={c.name}>
              <Td className="font-medium">{c.name}</Td>
              <Td className="text-right tabular-nums">{figure(c, c.meanA)}</Td>
              <Td className="text-right tabular-nums">{figure(c, c.meanB)}</Td>
              <Td className="text-right tabular-nums text-emerald-700">{c.counts.improved}</Td>
              <Td className="text-right tabular-nums text-red-700">{c.counts.regressed}</Td>
              <Td className="text-right tabular-nums">{c.counts.unchanged}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

const text = (v: number | string | null, c: ScorerComparison) =>
  v === null
    ? '—'
    : typeof v === 'string'
      ? v
      : c.dataType === 'boolean'
        ? v
          ? 'yes'
          : 'no'
        : String(Math.round(v * 1000) / 1000);

/** One item's score in both runs: `0.5 → 0.7`, green when it improved, red when it regressed. */
export function ItemScoreCell({ c, itemId }: { c: ScorerComparison; itemId: string }) {
  const s = c.items.get(itemId);
  if (!s) return <Td className="align-top text-zinc-400">—</Td>;
  const tone =
    s.change === 'improved'
      ? 'text-emerald-700'
      : s.change === 'regressed'
        ? 'text-red-700'
        : 'text-zinc-700';
  return (
    <Td className={`whitespace-nowrap align-top tabular-nums ${tone}`} data-change={s.change}>
      {text(s.a, c)} → {text(s.b, c)}
    </Td>
  );
}
