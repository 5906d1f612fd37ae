import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { ProjectNav } from './_components/project-nav';
import { Sidebar } from './_components/sidebar';
import { dashboardContext, lastProjectSlug, requireAddressedPage } from './_lib/project';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { projects, user } = await dashboardContext();
  await requireAddressedPage(projects);
  return (
    <NuqsAdapter>
      <div className="flex min-h-screen flex-col lg:flex-row">
        <Sidebar>
          <ProjectNav
            projects={projects.map((p) => ({ slug: p.slug, name: p.name, role: p.role }))}
            lastSlug={await lastProjectSlug()}
            isAdmin={user.actor.isAdmin}
            email={user.actor.email}
          />
        </Sidebar>
        <main className="min-w-0 flex-1 px-3 py-4 sm:px-6 sm:py-6 lg:px-8">{children}</main>
      </div>
    </NuqsAdapter>
  );
}
