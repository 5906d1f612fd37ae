import { z } from 'zod';

/** A yes/no setting or query parameter: `1`/`true` or `0`/`false`, read as a boolean. */
export const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** A yes/no environment setting with its default. */
export const envFlag = (fallback: boolean) =>
  z
    .enum(['0', '1', 'true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === '1' || v === 'true');
