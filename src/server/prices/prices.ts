import 'server-only';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type ModelPrice, modelPrices } from '@/db/schema';
import { AppError, notFound } from '../errors';

export type PriceInput = {
  model: string;
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion?: number | null;
  /** UTC day, YYYY-MM-DD. */
  effectiveFrom: string;
};

export type TokenCounts = { inputTokens: number; outputTokens: number; cachedInputTokens?: number };

/** A starting point a project can copy into its table (USD per 1M tokens, list prices of late 2025). */
export const commonModelPrices: Omit<PriceInput, 'effectiveFrom'>[] = [
  { model: 'gpt-4o', inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 },
  { model: 'gpt-4o-mini', inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
  { model: 'gpt-4.1', inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
  { model: 'gpt-4.1-mini', inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 },
  { model: 'claude-sonnet-4', inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
  { model: 'claude-haiku-3.5', inputPerMillion: 0.8, outputPerMillion: 4, cachedInputPerMillion: 0.08 },
  { model: 'gemini-2.5-flash', inputPerMillion: 0.3, outputPerMillion: 2.5, cachedInputPerMillion: 0.075 },
];

/** The UTC day of an instant, as `date` compares it. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** USD for these tokens at this price; cached input tokens are part of the input tokens. */
export function costFromPrice(price: ModelPrice, tokens: TokenCounts): number {
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens);
  const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion;
  const usd =
    ((tokens.inputTokens - cached) * price.inputPerMillion +
      cached * cachedRate +
      tokens.outputTokens * price.outputPerMillion) /
    1_000_000;
  // Micro-dollar precision: the ledger counts cost_micros.
  return Math.round(usd * 1e9) / 1e9;
}

/** The price of `model` in force at `at`: the row with the latest effectiveFrom on or before that day. */
export async function priceInForce(
  db: DbOrTx,
  projectId: string,
  model: string,
  at: Date,
): Promise<ModelPrice | null> {
  const [row] = await db
    .select()
    .from(modelPrices)
    .where(
      and(
        eq(modelPrices.projectId, projectId),
        eq(modelPrices.model, model),
        lte(modelPrices.effectiveFrom, utcDay(at)),
      ),
    )
    .orderBy(desc(modelPrices.effectiveFrom))
    .limit(1);
  return row ?? null;
}

/** Cost of tokens of `model` at `at` from the price table; null without a model, tokens or a price. */
export async function priceCost(
  db: DbOrTx,
  projectId: string,
  model: string | null | undefined,
  at: Date,
  tokens: TokenCounts,
): Promise<number | null> {
  if (!model || tokens.inputTokens + tokens.outputTokens <= 0) return null;
  const price = await priceInForce(db, projectId, model, at);
  return price ? costFromPrice(price, tokens) : null;
}

export async function listPrices(db: DbOrTx, projectId: string): Promise<ModelPrice[]> {
  return db
    .select()
    .from(modelPrices)
    .where(eq(modelPrices.projectId, projectId))
    .orderBy(asc(modelPrices.model), desc(modelPrices.effectiveFrom))
    .limit(1000);
}

/** Creates or replaces the price of a model from a day on. */
export async function upsertPrice(db: DbOrTx, projectId: string, input: PriceInput): Promise<ModelPrice> {
  const values = {
    projectId,
    model: input.model,
    inputPerMillion: input.inputPerMillion,
    outputPerMillion: input.outputPerMillion,
    cachedInputPerMillion: input.cachedInputPerMillion ?? null,
    effectiveFrom: input.effectiveFrom,
  };
  const [row] = await db
    .insert(modelPrices)
    .values(values)
    .onConflictDoUpdate({
      target: [modelPrices.projectId, modelPrices.model, modelPrices.effectiveFrom],
      set: values,
    })
    .returning();
  return row!;
}

export async function deletePrice(db: DbOrTx, projectId: string, priceId: string): Promise<ModelPrice> {
  const [row] = await db
    .delete(modelPrices)
    .where(and(eq(modelPrices.projectId, projectId), eq(modelPrices.id, priceId)))
    .returning();
  if (!row) throw notFound('Price');
  return row;
}

/** Adds the common models the project has no price for yet (effective from `from`). */
export async function seedCommonPrices(db: DbOrTx, projectId: string, from = '2024-01-01'): Promise<number> {
  const rows = await db
    .insert(modelPrices)
    .values(commonModelPrices.map((p) => ({ ...p, projectId, effectiveFrom: from })))
    .onConflictDoNothing()
    .returning({ id: modelPrices.id });
  return rows.length;
}

/** Guards a date string from a form or query (YYYY-MM-DD, a real day). */
export function assertDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new AppError('bad_request', `Not a date: ${day}`);
  }
  return day;
}

export const sqlDay = (day: string) => sql`${day}::date`;
