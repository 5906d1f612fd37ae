import { z } from 'zod';
import { getConnection } from '@/db/client';
import { env } from '@/lib/env';
import { AppError } from '@/server/errors';
import { cliKeyLines, createCliKey } from '@/server/local-cli/keys';
import { isLocalToken } from '@/server/local-cli/token';
import { startServer } from '@/server/startup';
import { errorResponse, json, zodError } from '@/app/_lib/http';

export const dynamic = 'force-dynamic';

const body = z.strictObject({ project: z.string().min(1).max(200), name: z.string().min(1).max(200) });

/**
 * `npm run cli -- keys create` while this server holds the PGlite folder: the CLI presents the token
 * the server wrote into that folder (src/server/local-cli/token.ts). Not part of the public API.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const bearer = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? null;
    if (env().DATABASE_URL || !isLocalToken(env().RUNLEDGER_DATA_DIR, bearer)) {
      throw new AppError('unauthorized', 'Missing or wrong local CLI token');
    }
    const parsed = body.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) throw zodError('body', parsed.error);
    await startServer();
    const created = await createCliKey(getConnection().db, parsed.data.project, parsed.data.name);
    return json({ lines: cliKeyLines(created) }, 201);
  } catch (err) {
    return errorResponse(err, request);
  }
}
