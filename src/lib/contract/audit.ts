import { z } from 'zod';
import { cursorParam, limitParam } from './common';

export const listAuditQuery = z.strictObject({ limit: limitParam(200, 50), cursor: cursorParam });

export const auditEntryDto = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({
    id: z.string().nullable(),
    email: z.string().nullable(),
    /** The API key's name when a key made the change. */
    name: z.string().nullable(),
  }),
  action: z.string(),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export const listAuditResponse = z.object({
  data: z.array(auditEntryDto),
  nextCursor: z.string().nullable(),
});
