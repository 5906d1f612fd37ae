import { redirect } from 'next/navigation';
import { projectPath } from '@/lib/project-path';
import { dashboardContext, landingSlug } from './_lib/project';
import { NoProject } from './no-project';

/** `/`: the runs of the project last viewed (else the first); the empty state when there is none. */
export default async function Home() {
  const { user } = await dashboardContext();
  const slug = await landingSlug(user);
  if (slug) redirect(projectPath(slug, 'runs'));
  return <NoProject />;
}
