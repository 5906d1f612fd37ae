import { getDb } from '@/db/client';
import { createSectionBody } from '@/lib/contract';
import { addSection, toSectionDto } from '@/server/reports';
import { idParams } from '../../../_lib/params';
import { apiRoute, json, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(
  { params: idParams, body: createSectionBody },
  async ({ projectId, params, body }) => {
    return json({ section: toSectionDto(await addSection(getDb(), projectId, params.id, body)) }, 201);
  },
);

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
