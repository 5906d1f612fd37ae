import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { ButtonLink } from '@/components/ui/button';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import type { Run } from '@/db/schema';
import { cn } from '@/lib/cn';
import { formatDuration, prettyJson } from '@/lib/format';
import { AppError } from '@/server/errors';
import { listResults } from '@/server/runs';

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

/** A dataset run's per-item results: counts, pass rate, filter by failed (URL), cursor pages. */
export async function DatasetResults({
  run,
  projectId,
  status,
  cursor,
}: {
  run: Run;
  projectId: string;
  status?: 'failed' | 'succeeded';
  cursor?: string;
}) {
  let page: Awaited<ReturnType<typeof listResults>>;
  try {
    page = await listResults(getDb(), projectId, run.id, { status, limit: 25, cursor });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'bad_request')) throw err;
    page = await listResults(getDb(), projectId, run.id, { status, limit: 25 });
  }
  const done = run.succeededCount + run.failedCount;
  const passRate = done > 0 ? (run.succeededCount / done) * 100 : null;
  const base = `/runs/${run.id}`;
  const link = (p: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => Boolean(e[1])));
    const s = q.toString();
    return `${base}${s ? `?${s}` : ''}#results`;
  };

  return (
    <Card className="mb-5">
      <div id="results" />
      <CardHeader
        title="Dataset results"
        actions={
          <fieldset className="flex gap-1 text-sm" aria-label="Result filter">
            <Link
              href={link({})}
              className={cn(
                'rounded px-2 py-1',
                !status ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100',
              )}
            >
              All
            </Link>
            <Link
              href={link({ results: 'failed' })}
              className={cn(
                'rounded px-2 py-1',
                status === 'failed' ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100',
              )}
            >
              Failed only
            </Link>
          </fieldset>
        }
      >
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
      </CardHeader>
      {page.data.length === 0 ? (
        <EmptyState title={status === 'failed' ? 'No failed items' : 'No results yet'} />
      ) : (
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
            {page.data.map((r) => (
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
      )}
      <div className="flex justify-end gap-2 px-4 py-2.5">
        <ButtonLink size="sm" href={link({ results: status })} disabled={!cursor}>
          First page
        </ButtonLink>
        <ButtonLink
          size="sm"
          href={page.nextCursor ? link({ results: status, rcursor: page.nextCursor }) : '#'}
          disabled={!page.nextCursor}
        >
          Next page →
        </ButtonLink>
      </div>
    </Card>
  );
}
