import { redirect } from 'next/navigation';
import { projectPath } from '@/lib/project-path';

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  redirect(projectPath((await params).slug, 'settings', 'keys'));
}
