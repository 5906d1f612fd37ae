'use client';
import { Badge } from '@/components/ui/badge';
import type { ReportDto } from '@/lib/contract/reports';
import { Markdown } from './markdown';

function ReportView({
  report,
  visible,
  depth,
}: {
  report: ReportDto;
  visible: (sectionId: string) => boolean;
  depth: number;
}) {
  const sections = report.sections.filter((s) => visible(s.id));
  const hidden = report.sections.length - sections.length;
  return (
    <article
      data-testid={depth === 0 ? 'report' : 'branch-report'}
      className={
        depth === 0
          ? 'rounded-lg border border-zinc-200 bg-white p-4'
          : 'mt-3 border-l-2 border-violet-200 pl-4'
      }
    >
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold text-zinc-900">{report.title}</h3>
        {report.branch && <Badge tone="violet">branch {report.branch}</Badge>}
        <Badge tone={report.status === 'final' ? 'green' : 'gray'}>{report.status}</Badge>
      </header>
      {sections.length === 0 && (
        <p className="text-xs text-zinc-400">
          {report.sections.length === 0 ? 'No sections.' : 'No section written yet at this point of the run.'}
        </p>
      )}
      {sections.map((s) => (
        <section key={s.id} data-testid="report-section" className="mt-2">
          <h4 className="text-sm font-medium text-zinc-800">{s.heading}</h4>
          <Markdown source={s.body} />
        </section>
      ))}
      {hidden > 0 && sections.length > 0 && (
        <p className="mt-2 text-xs text-zinc-400">{hidden} more section(s) later in the run.</p>
      )}
      {report.branches?.map((b) => (
        <ReportView key={b.id} report={b} visible={visible} depth={depth + 1} />
      ))}
    </article>
  );
}

/** The run's reports; while replaying, a section shows once its `report-section` event is reached. */
export function ReportsPanel({
  reports,
  sectionSeqs,
  cutSeq,
}: {
  reports: ReportDto[];
  sectionSeqs: Map<string, number>;
  cutSeq: number;
}) {
  if (reports.length === 0) return null;
  const visible = (id: string) => {
    const seq = sectionSeqs.get(id);
    return seq === undefined || seq <= cutSeq;
  };
  return (
    <div className="flex flex-col gap-3" data-testid="reports">
      {reports.map((r) => (
        <ReportView key={r.id} report={r} visible={visible} depth={0} />
      ))}
    </div>
  );
}
