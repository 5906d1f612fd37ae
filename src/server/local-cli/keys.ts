import 'server-only';
import type { Db } from '@/db/client';
import { createKeyAudited } from '@/server/api-keys/audited';
import { ensureProject } from '../projects';

export type CliKey = { projectSlug: string; projectId: string; prefix: string; key: string };

/** `cli keys create`: the project (created when missing) and a new key, audited as the CLI's. */
export async function createCliKey(db: Db, slug: string, name: string): Promise<CliKey> {
  const project = await ensureProject(db, slug);
  const { key, apiKey } = await createKeyAudited(db, { actor: 'cli', projectId: project.id }, name);
  return { projectSlug: project.slug, projectId: project.id, prefix: apiKey.prefix, key };
}

/** The lines `cli keys create` prints, wherever the key was made: the key is the last line. */
export function cliKeyLines(created: CliKey): string[] {
  return [
    `project ${created.projectSlug} (${created.projectId}), key ${created.prefix}… created`,
    created.key,
  ];
}
