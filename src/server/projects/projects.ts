import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Project, projects } from '@/db/schema';
import { projectSlug } from '@/lib/project-slug';
import { AppError } from '../errors';

export async function createProject(db: DbOrTx, input: { slug: string; name?: string }): Promise<Project> {
  const slug = projectSlug.safeParse(input.slug);
  if (!slug.success)
    throw new AppError('bad_request', `Invalid project slug: ${slug.error.issues[0]?.message}`);
  const [row] = await db
    .insert(projects)
    .values({ slug: slug.data, name: input.name ?? slug.data })
    .onConflictDoNothing({ target: projects.slug })
    .returning();
  if (!row) throw new AppError('conflict', `Project ${slug.data} already exists`);
  return row;
}

export async function getProjectBySlug(db: DbOrTx, slug: string): Promise<Project | null> {
  const [row] = await db.select().from(projects).where(eq(projects.slug, slug));
  return row ?? null;
}

export async function getProjectById(db: DbOrTx, id: string): Promise<Project | null> {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row ?? null;
}

/** The project with this slug, created when missing (safe under concurrent calls). */
export async function ensureProject(db: DbOrTx, slug: string, name?: string): Promise<Project> {
  await db
    .insert(projects)
    .values({ slug: projectSlug.parse(slug), name: name ?? slug })
    .onConflictDoNothing({ target: projects.slug });
  return (await getProjectBySlug(db, slug))!;
}

export async function listProjects(db: DbOrTx): Promise<Project[]> {
  return db.select().from(projects).orderBy(asc(projects.createdAt), asc(projects.slug));
}
