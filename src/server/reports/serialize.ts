import type { ReportSection } from '@/db/schema';
import type { ReportDto, SectionDto } from '@/lib/contract';
import { iso } from '@/lib/time';
import type { ReportWithSections } from './reports';

export function toSectionDto(s: ReportSection): SectionDto {
  return {
    id: s.id,
    reportId: s.reportId,
    position: s.position,
    heading: s.heading,
    body: s.body,
    createdAt: iso(s.createdAt),
  };
}

export function toReportDto(r: ReportWithSections): ReportDto {
  return {
    id: r.id,
    runId: r.runId,
    title: r.title,
    branch: r.branch,
    parentReportId: r.parentReportId,
    status: r.status,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    sections: r.sections.map(toSectionDto),
  };
}
