import Link from 'next/link';
import type { Run } from '@/db/schema';
import { snippet } from '@/lib/highlight';
import { projectPath } from '@/lib/project-path';
import type { ContentMatch } from '@/server/search';
import { Highlighted } from './highlighted';

/** A run's name linking to its replay; in a search, with the words marked and the matching content below. */
export function RunNameCell({
  slug,
  run,
  search,
}: {
  /** The project in the address. */
  slug: string;
  run: Run;
  search?: { words: string[]; matches: Map<string, ContentMatch> };
}) {
  const match = search?.matches.get(run.id);
  const runPath = projectPath(slug, 'runs', run.id);
  const href = match ? `${runPath}?seq=${match.seq}` : runPath;
  return (
    <>
      <Link href={href} className="run-link">
        {search ? <Highlighted text={run.name} words={search.words} /> : run.name}
      </Link>
      {search && match && (
        <Link
          href={href}
          className="block truncate text-xs text-zinc-500 hover:text-zinc-800"
          data-testid="search-snippet"
          title={match.text}
        >
          #{match.seq}:{' '}
          <Highlighted text={snippet(match.text, search.words.join(' '))} words={search.words} />
        </Link>
      )}
    </>
  );
}
