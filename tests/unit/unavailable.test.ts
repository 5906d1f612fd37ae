import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { AppError, isAppError, toAppError } from '@/server/errors';
import { isDatabaseUnavailable } from '@/server/unavailable';

/** The error a real postgres.js query gets from a server that is not there (port 1: refused). */
async function refusedError(): Promise<unknown> {
  const sql = postgres('postgres://postgres@127.0.0.1:1/postgres', { connect_timeout: 2, max: 1 });
  try {
    await sql`select 1`;
    throw new Error('connected to port 1?');
  } catch (err) {
    return err;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('database unavailable → 503', () => {
  it('maps a refused connection to service_unavailable with Retry-After', async () => {
    const err = await refusedError();
    expect(isDatabaseUnavailable(err)).toBe(true);
    const mapped = toAppError(err);
    expect(isAppError(mapped)).toBe(true);
    const app = mapped as AppError;
    expect(app.status).toBe(503);
    expect(app.toBody().error.code).toBe('service_unavailable');
    expect(app.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(app.message).not.toContain('ECONNREFUSED');
  });

  it('recognises a shutdown SQLSTATE wrapped by Drizzle, and leaves other errors alone', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(isDatabaseUnavailable(new Error('Failed query', { cause: shutdown }))).toBe(true);
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    // A unique violation is the domain's to translate; toAppError leaves it (undefined: not an answer).
    expect(toAppError(unique)).toBeUndefined();
    const notFound = new AppError('not_found', 'Run not found');
    expect(toAppError(notFound)).toBe(notFound);
    const bug = new TypeError('x is undefined');
    expect(toAppError(bug)).toBeUndefined();
  });
});
