import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

type Journal = { entries: { tag: string }[] };

/**
 * A migrations folder holding `drizzle/`'s migrations up to, not including, `tag` (its journal cut
 * there), made in a temporary folder: an older schema to upgrade from, taken from the migrations
 * themselves so it cannot drift from what a real older install ran.
 */
export function migrationsBefore(tag: string, source = path.resolve('drizzle')): string {
  const journal: Journal = JSON.parse(readFileSync(path.join(source, 'meta/_journal.json'), 'utf8'));
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  if (cut < 0) throw new Error(`no migration ${tag} in ${source}`);
  const dir = mkdtempSync(path.join(tmpdir(), `runledger-migrations-${tag}-`));
  mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, cut);
  for (const { tag: kept } of entries)
    copyFileSync(path.join(source, `${kept}.sql`), path.join(dir, `${kept}.sql`));
  writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }, null, 2));
  return dir;
}
