import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Table, Td, Th } from '@/components/ui/table';
import type { Run } from '@/db/schema';
import { formatCost, formatDuration, formatShortTime, formatTokens, runDuration } from '@/lib/format';

export function RunsTable({ runs, showThread = true }: { runs: Run[]; showThread?: boolean }) {
  return (
    <Table data-testid="runs-table">
      <thead>
        <tr>
          <Th>Status</Th>
          <Th>Name</Th>
          <Th>Kind</Th>
          <Th>User</Th>
          <Th>Model</Th>
          <Th>Started (UTC)</Th>
          <Th className="text-right">Duration</Th>
          <Th className="text-right">Tokens</Th>
          <Th className="text-right">Cost</Th>
          <Th className="text-right">Events</Th>
          <Th>Tags</Th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} className="hover:bg-zinc-50" data-status={run.status}>
            <Td>
              <StatusBadge status={run.status} />
            </Td>
            <Td className="max-w-80">
              <Link
                href={`/runs/${run.id}`}
                className="block truncate font-medium text-zinc-900 hover:underline"
              >
                {run.name}
              </Link>
              {showThread && run.threadId && (
                <Link
                  href={`/threads/${encodeURIComponent(run.threadId)}`}
                  className="block truncate text-xs text-zinc-400 hover:text-zinc-700 hover:underline"
                >
                  thread {run.threadId}
                </Link>
              )}
            </Td>
            <Td>{run.kind}</Td>
            <Td className="max-w-36 truncate">{run.userId ?? '—'}</Td>
            <Td className="max-w-40 truncate font-mono text-xs">{run.model ?? '—'}</Td>
            <Td className="whitespace-nowrap tabular-nums">
              {formatShortTime(run.startedAt ?? run.createdAt)}
            </Td>
            <Td className="whitespace-nowrap text-right tabular-nums">
              {run.startedAt ? formatDuration(runDuration(run.startedAt, run.endedAt)) : '—'}
            </Td>
            <Td className="text-right tabular-nums">{formatTokens(run.totalTokens)}</Td>
            <Td className="text-right tabular-nums">{formatCost(run.costUsd)}</Td>
            <Td className="text-right tabular-nums">{run.eventCount.toLocaleString('en-US')}</Td>
            <Td>
              <div className="flex max-w-56 flex-wrap gap-1">
                {run.tags.map((t) => (
                  <Badge key={t} tone="violet">
                    {t}
                  </Badge>
                ))}
              </div>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
