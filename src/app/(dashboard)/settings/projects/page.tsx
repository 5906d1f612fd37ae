import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { dashboardContext } from '../../_lib/project';
import { NewProjectForm } from './project-form';

export const metadata: Metadata = { title: 'Projects · runledger' };

export default async function ProjectsPage() {
  const { user, projects } = await dashboardContext();
  if (!user.actor.isAdmin) notFound();
  return (
    <div className="flex max-w-3xl flex-col gap-5">
      <PageHeader title="Projects" description={`${projects.length} projects on this instance.`} />
      <Card>
        <CardHeader title="New project" />
        <div className="p-4">
          <NewProjectForm />
        </div>
      </Card>
    </div>
  );
}
