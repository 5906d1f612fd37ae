import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { getDb } from '@/db/client';
import { formatTime } from '@/lib/format';
import { ROLES } from '@/server/access';
import { listMembers, listOpenInvites } from '@/server/members';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { InviteForm } from './invite-form';
import { MemberRoleForm, RemoveMemberButton, RevokeInviteButton } from './member-forms';

export const metadata: Metadata = { title: 'Members · runledger' };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireProject((await params).slug, 'members');
  const db = getDb();
  const [members, invites] = await Promise.all([
    listMembers(db, ctx.project.id),
    listOpenInvites(db, ctx.project.id),
  ]);
  return (
    <div className="flex max-w-5xl flex-col gap-5">
      <PageHeader
        title="Members"
        description={`Who may open ${ctx.project.name}: viewers read, editors also change quotas and keys, owners also manage members.`}
      />
      <Card>
        <CardHeader title="Invite someone" />
        <div className="p-4">
          <InviteForm roles={ROLES} />
        </div>
      </Card>
      <Card>
        <Table data-testid="members-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Since</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId} data-testid="member-row" data-email={m.email}>
                <Td className="font-medium text-zinc-900">{m.name}</Td>
                <Td>{m.email}</Td>
                <Td>
                  <MemberRoleForm userId={m.userId} role={m.role} roles={ROLES} />
                </Td>
                <Td className="whitespace-nowrap">{formatTime(m.createdAt)}</Td>
                <Td className="text-right">
                  <RemoveMemberButton userId={m.userId} email={m.email} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
      {invites.length > 0 && (
        <Card>
          <CardHeader title="Open invites" />
          <Table>
            <tbody>
              {invites.map((i) => (
                <tr key={i.id}>
                  <Td>
                    <Badge>{i.role}</Badge>
                  </Td>
                  <Td>expires {formatTime(i.expiresAt)}</Td>
                  <Td className="text-right">
                    <RevokeInviteButton inviteId={i.id} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
