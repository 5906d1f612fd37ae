import type { Metadata } from 'next';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { dashboardContext } from '../../_lib/project';
import { ChangePasswordForm, SignOutEverywhereButton } from './account-forms';

export const metadata: Metadata = { title: 'Account · runledger' };

export default async function AccountPage() {
  const { user } = await dashboardContext();
  return (
    <div className="flex max-w-xl flex-col gap-5">
      <PageHeader title="Account" description={`Signed in as ${user.actor.email}.`} />
      <Card>
        <CardHeader title="Password" />
        <div className="p-4">
          <ChangePasswordForm />
        </div>
      </Card>
      <Card>
        <CardHeader title="Sessions" />
        <div className="flex flex-col gap-3 p-4 text-sm text-zinc-600">
          <p>Signs this account out on every device and browser, this one included.</p>
          <SignOutEverywhereButton />
        </div>
      </Card>
    </div>
  );
}
