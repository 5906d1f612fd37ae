import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import type { Score } from '@/db/schema';
import {
  compareDatasetItem,
  compareDatasetRuns,
  compareRuns,
  type ItemChange,
  itemChanges,
} from '@/server/compare';
import { isAppError } from '@/server/errors';
import { getRunById } from '@/server/runs';
import { authorNames, cellText, compareScorers, datasetNames } from '@/server/scores';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { projectPath } from '@/lib/project-path';
import { DatasetCompare } from './dataset-compare';
import { ItemCompare } from './item-compare';
import { inputSnippet } from './item-compare-table';
import { RunCompare } from './run-compare';

export const metadata: Metadata = { title: 'Compare runs · runledger' };

type SP = Record<string, string | string[] | undefined>;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function Problem({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div>
      <PageHeader title="Compare runs" />
      <Card>
        <EmptyState title={title}>{children}</EmptyState>
      </Card>
    </div>
  );
}

/**
 * `/p/<slug>/runs/compare?a=<id>&b=<id>`: two runs side by side, or two dataset runs item by item;
 * `&item=<item id>` opens one item's two results side by side.
 */
export default async function ComparePage({
  params: route,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SP>;
}) {
  const ctx = await requireProject((await route).slug, 'compare');
  const sp = await searchParams;
  const comparePath = projectPath(ctx.project.slug, 'runs', 'compare');
  // The history's checkboxes send `run=<id>` twice: turn that into the shareable a/b form.
  const picked = list(sp.run);
  if (picked.length > 0) {
    if (picked.length !== 2) {
      return (
        <Problem title="Pick exactly two runs">
          You picked {picked.length}.{' '}
          <Link href={projectPath(ctx.project.slug, 'runs')} className="underline">
            Back to the runs
          </Link>
        </Problem>
      );
    }
    redirect(`${comparePath}?a=${encodeURIComponent(picked[0]!)}&b=${encodeURIComponent(picked[1]!)}`);
  }
  const a = typeof sp.a === 'string' ? sp.a : '';
  const b = typeof sp.b === 'string' ? sp.b : '';
  if (!z.uuid().safeParse(a).success || !z.uuid().safeParse(b).success) {
    return <Problem title="Pick two runs">Tick two runs in the history, then Compare.</Problem>;
  }
  const db = getDb();
  const projectId = ctx.project.id;
  const [runA, runB] = await Promise.all([getRunById(db, projectId, a), getRunById(db, projectId, b)]);
  if (!runA || !runB)
    return <Problem title="Run not found">One of the two runs does not exist in this project.</Problem>;
  const base = `${comparePath}?a=${a}&b=${b}`;
  const dataset = runA.kind === 'dataset' && runB.kind === 'dataset';
  const item = typeof sp.item === 'string' && sp.item.length > 0 && sp.item.length <= 500 ? sp.item : null;
  if (dataset && item) {
    try {
      const cmp = await compareDatasetItem(db, projectId, a, b, item);
      const all = [...cmp.left.scores, ...cmp.right.scores];
      const author = await authorNames(db, all);
      const lines = (list: Score[]) =>
        list.map((s) => ({
          id: s.id,
          name: s.name,
          text: cellText(s.dataType, [s.value], [s.label]),
          comment: s.comment,
          author: author(s),
        }));
      return (
        <div>
          <PageHeader
            title="Compare an item"
            description={`${inputSnippet(cmp.item.b?.input ?? cmp.item.a?.input) || item} in both dataset runs: A is the baseline.`}
          />
          <ItemCompare
            cmp={cmp}
            scoresA={lines(cmp.left.scores)}
            scoresB={lines(cmp.right.scores)}
            back={base}
          />
        </div>
      );
    } catch (err) {
      if (!isAppError(err) || (err.code !== 'bad_request' && err.code !== 'not_found')) throw err;
      return <Problem title="Item not found">Neither run has a result for this item.</Problem>;
    }
  }
  if (dataset) {
    const change = itemChanges.includes(sp.change as ItemChange) ? (sp.change as ItemChange) : null;
    try {
      const [cmp, scorers, names] = await Promise.all([
        compareDatasetRuns(db, projectId, a, b),
        compareScorers(db, projectId, a, b),
        datasetNames(db, projectId, runA.datasetId ? [runA.datasetId] : []),
      ]);
      return (
        <div>
          <PageHeader
            title="Compare dataset runs"
            description={`Dataset ${names.get(runA.datasetId ?? '') ?? runA.datasetId}: A is the baseline.`}
          />
          <DatasetCompare slug={ctx.project.slug} cmp={cmp} scorers={scorers} change={change} base={base} />
        </div>
      );
    } catch (err) {
      if (!isAppError(err) || err.code !== 'bad_request') throw err;
      // Different datasets: fall through to the run comparison, saying why.
    }
  }
  const cmp = await compareRuns(db, projectId, a, b);
  return (
    <div>
      <PageHeader
        title="Compare runs"
        description={
          dataset ? 'These dataset runs are on different datasets: compared as runs.' : 'A is the baseline.'
        }
      />
      <RunCompare slug={ctx.project.slug} {...cmp} />
    </div>
  );
}
