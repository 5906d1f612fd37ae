import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import type { Run } from '@/db/schema';
import { formatShortTime } from '@/lib/format';
import { listDatasetRuns } from '@/server/runs';
import { datasetNames, scorerSummaries } from '@/server/scores';
import { ScorerCells } from './scorer-cells';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { projectPath } from '@/lib/project-path';

export const metadata: Metadata = { title: 'Datasets · runledger' };

export default async function DatasetsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'datasets');
  const db = getDb();
  const runs = await listDatasetRuns(db, ctx.project.id);
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    const key = r.datasetId ?? '(no dataset id)';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const [names, scorers] = await Promise.all([
    datasetNames(db, ctx.project.id, [...groups.keys()]),
    scorerSummaries(
      db,
      ctx.project.id,
      runs.map((r) => r.id),
    ),
  ]);
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Datasets"
        description="Dataset runs of this project, grouped by dataset, newest first."
      />
      {groups.size === 0 && (
        <Card>
          <EmptyState title="No dataset runs yet">
            Run a target over a dataset with the SDK's dataset runner; each run shows up here.
          </EmptyState>
        </Card>
      )}
      <div className="flex flex-col gap-5">
        {[...groups].map(([datasetId, list]) => (
          <Card key={datasetId}>
            <CardHeader title={names.get(datasetId) ?? <span className="font-mono">{datasetId}</span>}>
              <p className="text-xs text-zinc-500">
                {list.length} runs
                {names.has(datasetId) && <span className="ml-2 font-mono text-zinc-400">{datasetId}</span>}
              </p>
            </CardHeader>
            <Table>
              <thead>
                <tr>
                  <Th>Status</Th>
                  <Th>Run</Th>
                  <Th>Version</Th>
                  <Th>Target</Th>
                  <Th className="text-right">Items</Th>
                  <Th className="text-right">Pass rate</Th>
                  <Th>Scorers</Th>
                  <Th>Started (UTC)</Th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => {
                  const done = r.succeededCount + r.failedCount;
                  return (
                    <tr key={r.id} className="hover:bg-zinc-50">
                      <Td>
                        <StatusBadge status={r.status} />
                      </Td>
                      <Td>
                        <Link
                          href={projectPath(ctx.project.slug, 'runs', r.id)}
                          className="font-medium text-zinc-900 hover:underline"
                        >
                          {r.name}
                        </Link>
                      </Td>
                      <Td>{r.datasetVersion ?? '—'}</Td>
                      <Td className="font-mono text-xs">
                        {r.targetType ?? '—'} {r.targetId ?? ''}
                      </Td>
                      <Td className="text-right tabular-nums">
                        {done}
                        {r.totalItems !== null && ` / ${r.totalItems}`}
                      </Td>
                      <Td className="text-right tabular-nums">
                        {done ? `${((r.succeededCount / done) * 100).toFixed(1)}%` : '—'}
                      </Td>
                      <Td>
                        <ScorerCells scorers={scorers.get(r.id)} />
                      </Td>
                      <Td className="whitespace-nowrap tabular-nums">
                        {formatShortTime(r.startedAt ?? r.createdAt)}
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          </Card>
        ))}
      </div>
    </div>
  );
}
