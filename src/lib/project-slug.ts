import { z } from 'zod';

/** A project's slug: the `<slug>` of its `/p/<slug>/…` pages and the CLI's `--project`. */
export const projectSlug = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes');
