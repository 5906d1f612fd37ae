import { Badge } from '@/components/ui/badge';
import { Table, Td, Th } from '@/components/ui/table';
import type { listResults } from '@/server/runs';
import { cn } from '@/lib/cn';
import { formatDuration, prettyJson } from '@/lib/format';

type Result = Awaited<ReturnType<typeof listResults>>['data'][number];

function Cell({ value, tone }: { value: unknown; tone?: 'error' }) {
  if (value === null || value === undefined) return <span className="text-zinc-300">—</span>;
  return (
    <pre
      className={cn(
        'max-h-32 max-w-72 overflow-auto whitespace-pre-wrap break-words font-mono text-xs',
        tone === 'error' ? 'text-red-700' : 'text-zinc-700',
      )}
    >
      {prettyJson(value)}
    </pre>
  );
}

/** One page of a dataset run's results: item, pass/fail, latency, retries, input, output, truth, error. */
export function ResultsTable({ results }: { results: Result[] }) {
  return (
    <Table data-testid="results-table">
      <thead>
        <tr>
          <Th>Item</Th>
          <Th>Status</Th>
          <Th className="text-right">Latency</Th>
          <Th className="text-right">Retries</Th>
          <Th>Input</Th>
          <Th>Output</Th>
          <Th>Ground truth</Th>
          <Th>Error</Th>
        </tr>
      </thead>
      <tbody>
        {results.map((r) => (
          <tr key={r.id} data-testid="result-row">
            <Td className="font-mono text-xs">
              {r.itemId}
              {r.itemVersion !== null && <span className="text-zinc-400"> v{r.itemVersion}</span>}
            </Td>
            <Td>
              {r.error === null ? <Badge tone="green">passed</Badge> : <Badge tone="red">failed</Badge>}
            </Td>
            <Td className="whitespace-nowrap text-right tabular-nums">{formatDuration(r.latencyMs)}</Td>
            <Td className="text-right tabular-nums">{r.retryCount}</Td>
            <Td>
              <Cell value={r.input} />
            </Td>
            <Td>
              <Cell value={r.output} />
            </Td>
            <Td>
              <Cell value={r.groundTruth} />
            </Td>
            <Td>
              <Cell value={r.error} tone="error" />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
