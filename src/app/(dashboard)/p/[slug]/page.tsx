import { redirect } from 'next/navigation';
import { projectPath } from '@/lib/project-path';

/** `/p/<slug>`: the project's runs (which check access). */
export default async function ProjectHome({ params }: { params: Promise<{ slug: string }> }) {
  redirect(projectPath((await params).slug, 'runs'));
}
