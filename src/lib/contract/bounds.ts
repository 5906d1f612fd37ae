import { z } from 'zod';

/**
 * The largest number each kind of input may carry. Chosen so that what the database adds up stays
 * far inside its columns: a run's totals (bigint) from millions of max-sized usage events, a usage
 * counter (bigint) from millions of max-sized amounts, and every page's sums and averages (float8)
 * over millions of rows. A larger value is a 400, never a database error on a later read.
 */
export const BOUNDS = {
  /** Tokens of one model call (a usage event): a billion. */
  callTokens: 1e9,
  /** A run's token totals, as a client sets them: a trillion. */
  runTokens: 1e12,
  /** US dollars in one value (a usage event's cost, a run's cost): a million. */
  costUsd: 1e6,
  /** One quota amount (usage event, reservation, commit): a trillion units. */
  amount: 1e12,
  /** A quota's limit: the largest integer a JSON number carries exactly. */
  quotaLimit: Number.MAX_SAFE_INTEGER,
  /** A dataset item's latency: a year in milliseconds. */
  latencyMs: 365 * 24 * 3_600_000,
  /** A model price in US dollars per million tokens (list prices are below 1,000). */
  pricePerMillion: 10_000,
} as const;

export const callTokens = z.number().int().min(0).max(BOUNDS.callTokens);
export const runTokens = z.number().int().min(0).max(BOUNDS.runTokens);
export const costUsd = z.number().min(0).max(BOUNDS.costUsd);
export const latencyMs = z.number().min(0).max(BOUNDS.latencyMs);
export const quotaLimit = z.number().int().min(0).max(BOUNDS.quotaLimit);
/** A usage amount; `min` is 1 for what is recorded, 0 for a commit that used nothing. */
export const usageAmount = (min: 0 | 1) => z.number().int().min(min).max(BOUNDS.amount);
