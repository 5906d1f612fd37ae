import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { ProjectNav } from './_components/project-nav';
import { dashboardContext, lastProjectSlug, requireAddressedPage } from './_lib/project';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { projects, user } = await dashboardContext();
  await requireAddressedPage(projects);
  return (
    <NuqsAdapter>
      <div className="flex min-h-screen">
        <div className="w-56 shrink-0 bg-zinc-900">
          <aside className="sticky top-0 flex h-screen flex-col gap-6 px-3 py-4">
            <ProjectNav
              projects={projects.map((p) => ({ slug: p.slug, name: p.name, role: p.role }))}
              lastSlug={await lastProjectSlug()}
              isAdmin={user.actor.isAdmin}
              email={user.actor.email}
            />
          </aside>
        </div>
        <main className="min-w-0 flex-1 px-6 py-6 lg:px-8">{children}</main>
      </div>
    </NuqsAdapter>
  );
}
