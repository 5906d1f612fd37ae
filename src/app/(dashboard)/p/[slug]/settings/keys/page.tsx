import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { formatTime } from '@/lib/format';
import { hasRole } from '@/server/access';
import { listApiKeys } from '@/server/api-keys';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { CreateKeyForm, RevokeKeyButton } from './key-forms';

export const metadata: Metadata = { title: 'API keys · runledger' };

export default async function KeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'keys');
  const keys = await listApiKeys(getDb(), ctx.project.id);
  // Viewers see the keys; creating and revoking them is for editors and owners.
  const canEdit = hasRole(ctx.project.role, 'editor');
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="API keys"
        description={
          <>
            Keys of {ctx.project.name}. Send one as{' '}
            <code className="rounded bg-zinc-100 px-1">Authorization: Bearer …</code>; only a hash is stored.
          </>
        }
      />
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title="New key" />
          <div className="p-4">
            <CreateKeyForm />
          </div>
        </Card>
      )}
      <Card>
        {keys.length === 0 ? (
          <EmptyState title="No keys yet">
            {canEdit ? 'Create one above to start sending runs.' : 'An editor or owner can create one.'}
          </EmptyState>
        ) : (
          <Table data-testid="keys-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-testid="key-row" data-key-name={k.name}>
                  <Td className="font-medium text-zinc-900">{k.name}</Td>
                  <Td className="font-mono text-xs">{k.prefix}…</Td>
                  <Td className="whitespace-nowrap">{formatTime(k.createdAt)}</Td>
                  <Td className="whitespace-nowrap">{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</Td>
                  <Td>
                    {k.revokedAt ? (
                      <Badge tone="red">revoked {formatTime(k.revokedAt).slice(0, 10)}</Badge>
                    ) : (
                      <Badge tone="green">active</Badge>
                    )}
                  </Td>
                  <Td className="text-right">
                    {canEdit && !k.revokedAt && <RevokeKeyButton keyId={k.id} name={k.name} />}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </div>
  );
}
