export { adminUrl, withDatabase } from '../../scripts/lib/pg-url';

/** The Postgres server the tests may use (CI sets it); unset means PGlite only. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}
