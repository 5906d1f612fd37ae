import { Button, ButtonLink } from '@/components/ui/button';
import { projectPath } from '@/lib/project-path';
import { ExportLinks } from './export-links';

/** Under the runs table: the page's size, compare and export, and the keyset page links. */
export function RunsPageFooter({
  slug,
  count,
  exportQuery,
  newer,
  older,
}: {
  slug: string;
  count: number;
  exportQuery: string;
  newer: string | null;
  older: string | null;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5 text-sm text-zinc-500">
      <span className="flex items-center gap-3">
        {count} runs on this page
        <form id="compare-form" action={projectPath(slug, 'runs', 'compare')} method="get">
          <Button type="submit" size="sm" variant="secondary">
            Compare selected (2)
          </Button>
        </form>
        <ExportLinks slug={slug} query={exportQuery} />
      </span>
      <div className="flex gap-2">
        <ButtonLink size="sm" href={newer ?? '#'} disabled={!newer}>
          ← Newer
        </ButtonLink>
        {/* The whole next page is fetched once the link is in view (a keyset page: cheap to read), so a
            click shows it from memory instead of waiting for the server. */}
        <ButtonLink size="sm" href={older ?? '#'} disabled={!older} prefetch>
          Older →
        </ButtonLink>
      </div>
    </div>
  );
}
