import { projectPath } from '@/lib/project-path';

/** Downloads of the filtered history (every page, streamed by /p/<slug>/runs/export). */
export function ExportLinks({ slug, query }: { slug: string; query: string }) {
  const href = (format: string, extra = '') =>
    `${projectPath(slug, 'runs', 'export')}?format=${format}${extra}${query ? `&${query}` : ''}`;
  const cls = 'text-xs text-zinc-600 underline hover:text-zinc-900';
  return (
    <span className="flex items-center gap-2 text-xs">
      Export:
      <a href={href('csv')} className={cls} download>
        CSV
      </a>
      <a href={href('jsonl')} className={cls} download>
        JSONL
      </a>
      <a href={href('jsonl', '&events=1')} className={cls} download>
        JSONL with events
      </a>
    </span>
  );
}
