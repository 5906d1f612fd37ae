import type { Metadata } from 'next';
import { ButtonLink } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { formatTime } from '@/lib/format';
import { type AuditPage, actorLabel, listAudit } from '@/server/audit';
import { isAppError } from '@/server/errors';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { projectPath } from '@/lib/project-path';

export const metadata: Metadata = { title: 'Audit log · runledger' };

const show = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

export default async function AuditLogPage({
  params: route,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ cursor?: string }>;
}) {
  const ctx = await requireProject((await route).slug, 'audit');
  const { cursor } = await searchParams;
  let page: AuditPage;
  try {
    page = await listAudit(getDb(), ctx.project.id, {
      cursor: typeof cursor === 'string' ? cursor : undefined,
    });
  } catch (err) {
    // A hand-edited cursor shows the first page; anything else is a real failure.
    if (!(isAppError(err) && err.code === 'bad_request')) throw err;
    page = await listAudit(getDb(), ctx.project.id);
  }
  return (
    <div className="max-w-6xl">
      <PageHeader title="Audit log" description={`Every change made in ${ctx.project.name}, newest first.`} />
      <Card>
        {page.data.length === 0 ? (
          <EmptyState title="Nothing changed yet" />
        ) : (
          <Table data-testid="audit-table">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>What</Th>
                <Th>Target</Th>
                <Th>Before</Th>
                <Th>After</Th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <Td className="whitespace-nowrap">{formatTime(e.at)}</Td>
                  <Td>{actorLabel(e) ?? '—'}</Td>
                  <Td className="font-mono text-xs">{e.action}</Td>
                  <Td className="max-w-40 truncate font-mono text-xs">{e.target}</Td>
                  <Td className="max-w-64 truncate font-mono text-xs">{show(e.before)}</Td>
                  <Td className="max-w-64 truncate font-mono text-xs">{show(e.after)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {page.nextCursor && (
          <div className="flex justify-end px-4 py-2.5">
            <ButtonLink
              size="sm"
              href={`${projectPath(ctx.project.slug, 'settings', 'audit')}?cursor=${page.nextCursor}`}
            >
              Older →
            </ButtonLink>
          </div>
        )}
      </Card>
    </div>
  );
}
