import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { Run } from '@/db/schema';
import {
  formatCost,
  formatDuration,
  formatShortTime,
  formatTokens,
  prettyJson,
  runDuration,
} from '@/lib/format';
import { projectPath } from '@/lib/project-path';
import { isStale, staleBefore } from '@/lib/run-liveness';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] font-medium uppercase tracking-wide text-zinc-400">{label}</dt>
      <dd className="mt-0.5 truncate text-sm text-zinc-800">{children}</dd>
    </div>
  );
}

export function RunHeader({ slug, run, scores }: { slug: string; run: Run; scores?: ReactNode }) {
  const metadata = run.metadata as Record<string, unknown>;
  const hasMetadata = metadata && Object.keys(metadata).length > 0;
  return (
    <Card className="mb-5 p-4" data-testid="run-header">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <Link href={projectPath(slug, 'runs')} className="text-sm text-zinc-500 hover:text-zinc-900">
          Runs
        </Link>
        <span className="text-zinc-300">/</span>
        <h1 className="min-w-0 truncate text-lg font-semibold tracking-tight" data-testid="run-name">
          {run.name}
        </h1>
        <StatusBadge status={run.status} stale={isStale(run, staleBefore())} />
        <Badge>{run.kind}</Badge>
        {run.tags.map((t) => (
          <Badge key={t} tone="violet">
            {t}
          </Badge>
        ))}
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 md:grid-cols-4 xl:grid-cols-8">
        <Field label="Model">{run.model ?? '—'}</Field>
        <Field label="User">{run.userId ?? '—'}</Field>
        <Field label="Thread">
          {run.threadId ? (
            <Link href={projectPath(slug, 'threads', run.threadId)} className="text-blue-700 hover:underline">
              {run.threadId}
            </Link>
          ) : (
            '—'
          )}
        </Field>
        <Field label="Started (UTC)">{formatShortTime(run.startedAt)}</Field>
        <Field label="Ended (UTC)">
          {run.endedAt ? formatShortTime(run.endedAt) : run.status === 'running' ? 'running…' : '—'}
        </Field>
        <Field label="Duration">
          {run.startedAt ? formatDuration(runDuration(run.startedAt, run.endedAt)) : '—'}
        </Field>
        <Field label="Tokens">
          {formatTokens(run.totalTokens)}{' '}
          <span className="text-xs text-zinc-400">
            ({formatTokens(run.inputTokens)} in / {formatTokens(run.outputTokens)} out)
          </span>
        </Field>
        <Field label="Cost">{formatCost(run.costUsd)}</Field>
      </dl>
      {scores}
      {(hasMetadata || run.error != null) && (
        <div className="mt-3 grid grid-cols-[minmax(0,1fr)] gap-3 md:grid-cols-2">
          {run.error != null && (
            <details open className="rounded-md bg-red-50 px-3 py-2">
              <summary className="cursor-pointer text-xs font-medium text-red-700">Error</summary>
              <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-red-800">
                {prettyJson(run.error)}
              </pre>
            </details>
          )}
          {hasMetadata && (
            <details className="rounded-md bg-zinc-50 px-3 py-2">
              <summary className="cursor-pointer text-xs font-medium text-zinc-600">Metadata</summary>
              <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-zinc-700">
                {prettyJson(metadata)}
              </pre>
            </details>
          )}
        </div>
      )}
    </Card>
  );
}
