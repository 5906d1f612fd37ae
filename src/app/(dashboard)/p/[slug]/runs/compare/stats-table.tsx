import { Table, Td, Th } from '@/components/ui/table';
import { formatCost, formatDuration, formatTokens } from '@/lib/format';
import type { RunSide } from '@/server/compare';

type Row = { label: string; a: number | null; b: number | null; format: (n: number) => string };

function delta(row: Row) {
  if (row.a === null || row.b === null) return '—';
  const d = row.b - row.a;
  if (d === 0) return '±0';
  const pct = row.a !== 0 ? ` (${d > 0 ? '+' : ''}${((d / row.a) * 100).toFixed(0)}%)` : '';
  return `${d > 0 ? '+' : '−'}${row.format(Math.abs(d))}${pct}`;
}

/** Tokens, cost, duration, events, tool calls and errors of both runs with B − A. */
export function StatsTable({ left, right }: { left: RunSide; right: RunSide }) {
  const count = (n: number) => n.toLocaleString('en-US');
  const rows: Row[] = [
    { label: 'Tokens', a: left.run.totalTokens, b: right.run.totalTokens, format: formatTokens },
    { label: 'Cost', a: left.run.costUsd, b: right.run.costUsd, format: formatCost },
    { label: 'Duration', a: left.stats.durationMs, b: right.stats.durationMs, format: formatDuration },
    { label: 'Events', a: left.stats.events, b: right.stats.events, format: count },
    { label: 'Tool calls', a: left.stats.toolCalls, b: right.stats.toolCalls, format: count },
    { label: 'Errors', a: left.stats.errors, b: right.stats.errors, format: count },
  ];
  return (
    <Table data-testid="compare-stats">
      <thead>
        <tr>
          <Th>Metric</Th>
          <Th className="text-right">A</Th>
          <Th className="text-right">B</Th>
          <Th className="text-right">Δ (B − A)</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} data-metric={row.label}>
            <Td>{row.label}</Td>
            <Td className="text-right tabular-nums">{row.a === null ? '—' : row.format(row.a)}</Td>
            <Td className="text-right tabular-nums">{row.b === null ? '—' : row.format(row.b)}</Td>
            <Td className="text-right tabular-nums" data-testid="delta">
              {delta(row)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
