import { z } from 'zod';
import { int32, timestamp, uuid } from './common';

import { reportStatuses } from '../enums';

export const reportStatus = z.enum(reportStatuses);

export const createReportBody = z.strictObject({
  id: uuid.optional(),
  title: z.string().min(1).max(500),
  branch: z.string().min(1).max(200).optional(),
  parentReportId: uuid.optional(),
});
export type CreateReportInput = z.infer<typeof createReportBody>;

export const updateReportBody = z.strictObject({
  title: z.string().min(1).max(500).optional(),
  status: reportStatus.optional(),
});
export type UpdateReportInput = z.infer<typeof updateReportBody>;

export const createSectionBody = z.strictObject({
  heading: z.string().min(1).max(500),
  body: z.string().max(1_000_000),
  position: int32.optional(),
});
export type CreateSectionInput = z.infer<typeof createSectionBody>;

export const sectionDto = z.object({
  id: uuid,
  reportId: uuid,
  position: z.number().int(),
  heading: z.string(),
  body: z.string(),
  createdAt: timestamp,
});
export type SectionDto = z.infer<typeof sectionDto>;

export type ReportDto = {
  id: string;
  runId: string;
  title: string;
  branch: string | null;
  parentReportId: string | null;
  status: (typeof reportStatuses)[number];
  createdAt: string;
  updatedAt: string;
  sections: SectionDto[];
  /** Present in GET /runs/{id}/reports: the branch reports under this one. */
  branches?: ReportDto[];
};

export const reportDto: z.ZodType<ReportDto> = z.object({
  id: uuid,
  runId: uuid,
  title: z.string(),
  branch: z.string().nullable(),
  parentReportId: uuid.nullable(),
  status: reportStatus,
  createdAt: timestamp,
  updatedAt: timestamp,
  sections: z.array(sectionDto),
  get branches() {
    return z.array(reportDto).optional();
  },
});

export const reportResponse = z.object({ report: reportDto });
export const sectionResponse = z.object({ section: sectionDto });
export const reportList = z.object({ data: z.array(reportDto) });
